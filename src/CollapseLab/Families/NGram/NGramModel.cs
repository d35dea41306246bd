using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Random;

namespace CollapseLab.Families.NGram;

/// <summary>
/// An n-gram model in interpolated form: with h_d the last d tokens of the history (boundary-padded) and
/// γ(h) = 1 − Mass(h)/Total(h), p_d(w | h_d) = Weight(h_d w)/Total(h_d) + γ(h_d)·p_{d−1}(w | h_{d−1}) down to
/// p_0(w) = Weight(w)/Total() + γ()/V. Kneser–Ney: Weight = max(c − D(c), 0), Total = Σc, so γ = Σ D/Total; contexts
/// never seen pass straight through (γ = 1). Additive: only the top order has counts, Weight = c,
/// Total = Σc + αV, and the lower orders are uniform. Every p(·|h) sums to 1 over the V tokens.
/// </summary>
public sealed class NGramModel : ILanguageModel
{
    private readonly NGramTable _table;
    private readonly Entry[] _entries;
    private readonly Context[] _contexts;
    private readonly double[] _base;
    private readonly int[] _baseOrder;
    private readonly double[] _unigram;
    private readonly TokenBatch? _prompts;
    private readonly Tokenizer? _tokenizer;

    internal NGramModel(NGramTable table, int vocabularySize, int boundary, NGramSmoothing smoothing, double alpha,
        SamplingOptions sampling, TokenBatch? prompts, Tokenizer? tokenizer, double[] unigram, IReadOnlyList<double[]> discounts)
    {
        _table = table;
        VocabularySize = vocabularySize;
        Boundary = boundary;
        Smoothing = smoothing;
        Sampling = sampling;
        _prompts = prompts;
        _tokenizer = tokenizer;
        _unigram = unigram;
        Discounts = discounts;
        var contexts = table.ContextCount;
        _contexts = new Context[contexts];
        _entries = new Entry[table.EntryCountTotal];
        for (var c = 0; c < contexts; c++)
        {
            var d = table.ContextDepth[c];
            double total = 0, mass = 0;
            for (var e = table.EntryStart[c]; e < table.EntryStart[c + 1]; e++)
            {
                var count = table.EntryCount[e];
                var w = smoothing == NGramSmoothing.KneserNey ? Math.Max(0, count - discounts[d][Math.Min(count, 3) - 1]) : count;
                total += count;
                mass += w;
                _entries[e] = new Entry(w, mass, table.EntryToken[e]);
            }
            if (total > 0 && smoothing == NGramSmoothing.Additive)
            {
                total += alpha * vocabularySize;
            }
            _contexts[c] = new Context(total, mass, table.EntryStart[c], table.EntryStart[c + 1]);
        }
        _base = new double[vocabularySize];
        for (var w = 0; w < vocabularySize; w++)
        {
            _base[w] = _contexts[0].Total > 0 ? (1 - _contexts[0].Mass / _contexts[0].Total) / vocabularySize : 1.0 / vocabularySize;
        }
        for (var e = table.EntryStart[0]; e < table.EntryStart[1]; e++)
        {
            _base[table.EntryToken[e]] += _entries[e].Weight / _contexts[0].Total;
        }
        _baseOrder = Enumerable.Range(0, vocabularySize).OrderByDescending(w => _base[w]).ThenBy(w => w).ToArray();
        var types = 0;
        for (var w = 0; w < unigram.Length; w++)
        {
            types += unigram[w] > 0 ? 1 : 0;
        }
        Degeneracy = types <= 1 ? "the training text holds a single token type" : null;
    }

    public int Order => _table.Order;

    public NGramSmoothing Smoothing { get; }

    /// <summary>Kneser–Ney discounts (D₁, D₂, D₃₊) by context length; empty for additive smoothing.</summary>
    public IReadOnlyList<double[]> Discounts { get; }

    public int VocabularySize { get; }

    public int Boundary { get; }

    public SamplingOptions Sampling { get; }

    public string? Degeneracy { get; }

    public ReadOnlySpan<double> Unigram => _unigram;

    /// <summary>Number of stored (context, token) entries, all orders.</summary>
    public int EntryCount => _table.EntryCountTotal;

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        TextGenerator.Generate(this, _prompts, count, stream, threads, _tokenizer);

    /// <summary>Token i of the history counted from the end (1 = last), the boundary before its start.</summary>
    private int Back(ReadOnlySpan<int> history, int k) => k <= history.Length ? history[^k] : Boundary;

    /// <summary>Contexts of the history from length 1 up to the longest stored (at most n − 1); returns how many.</summary>
    private int Chain(ReadOnlySpan<int> history, Span<int> chain)
    {
        var c = 0;
        var depth = 0;
        for (var k = 1; k < _table.Order; k++)
        {
            c = k == 1 ? _table.FirstContext[Back(history, 1)] : _table.Contexts.Find(c, Back(history, k));
            if (c < 0)
            {
                break;
            }
            chain[depth++] = c;
        }
        return depth;
    }

    public double Probability(ReadOnlySpan<int> history, int token)
    {
        Span<int> chain = stackalloc int[_table.Order];
        var depth = Chain(history, chain);
        var p = _base[token];
        for (var d = 0; d < depth; d++)
        {
            var ctx = _contexts[chain[d]];
            if (ctx.Total > 0)
            {
                var e = _table.Find(chain[d], token);
                p = (e >= 0 ? _entries[e].Weight : 0) / ctx.Total + (1 - ctx.Mass / ctx.Total) * p;
            }
        }
        return p;
    }

    public void LogProbabilities(ReadOnlySpan<int> tokens, Span<double> destination)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            destination[i] = Math.Log(Probability(tokens[..i], tokens[i]));
        }
    }

    public void Next(ReadOnlySpan<int> history, NextTokenDistribution into)
    {
        into.Clear();
        Span<int> chain = stackalloc int[_table.Order];
        var depth = Chain(history, chain);
        var f = 1.0;
        for (var d = depth - 1; d >= 0 && f > 0; d--)
        {
            var ctx = _contexts[chain[d]];
            if (ctx.Total <= 0)
            {
                continue;
            }
            for (var e = ctx.Start; e < ctx.End; e++)
            {
                if (_entries[e].Weight > 0)
                {
                    into.Add(_entries[e].Token, f * _entries[e].Weight / ctx.Total);
                }
            }
            f *= 1 - ctx.Mass / ctx.Total;
        }
        into.Lambda = f;
        into.Base = _base;
        into.BaseOrder = _baseOrder;
    }

    public int SampleNext(ReadOnlySpan<int> history, RandomStream rng)
    {
        Span<int> chain = stackalloc int[_table.Order];
        var depth = Chain(history, chain);
        for (var d = depth - 1; d >= -1; d--)
        {
            var ctx = _contexts[d >= 0 ? chain[d] : 0];
            if (ctx.Total <= 0)
            {
                continue;
            }
            var u = rng.NextDouble() * ctx.Total;
            if (u < ctx.Mass)
            {
                var (lo, hi) = (ctx.Start, ctx.End - 1);
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (_entries[mid].Cumulative > u)
                    {
                        hi = mid;
                    }
                    else
                    {
                        lo = mid + 1;
                    }
                }
                return _entries[lo].Token;
            }
        }
        return rng.NextInt(VocabularySize);
    }

    /// <summary>One (context, token) entry: its weight, the running sum of weights in its context, its token.</summary>
    private readonly record struct Entry(double Weight, double Cumulative, int Token);

    /// <summary>A context's count total, weight mass and the range of its entries.</summary>
    private readonly record struct Context(double Total, double Mass, int Start, int End);
}
