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
    private readonly int[] _entryToken;
    private readonly double[] _weights;
    private readonly Draw[] _draws;
    private readonly NGramGuides _guides;
    private readonly NGramContext _root;
    private readonly NGramContext[] _first;
    private readonly ContextIndex _longer;
    private readonly double[] _base;
    private readonly int[] _baseOrder;
    private readonly double[] _unigram;
    private readonly TokenBatch? _prompts;
    private readonly Tokenizer? _tokenizer;
    private TiltedWeights? _tilted;

    internal NGramModel(NGramTable table, int vocabularySize, int boundary, NGramSmoothing smoothing, double alpha,
        SamplingOptions sampling, TokenBatch? prompts, Tokenizer? tokenizer, double[] unigram, IReadOnlyList<double[]> discounts, int threads)
    {
        Order = table.Order;
        _entryToken = table.EntryToken; // all that scoring needs of the counts, so the rest of the table can go
        VocabularySize = vocabularySize;
        Boundary = boundary;
        Smoothing = smoothing;
        Sampling = sampling;
        _prompts = prompts;
        _tokenizer = tokenizer;
        _unigram = unigram;
        Discounts = discounts;
        // Every element below is written before it is read, so the arrays skip zeroing.
        var contexts = GC.AllocateUninitializedArray<NGramContext>(table.ContextCount);
        _weights = GC.AllocateUninitializedArray<double>(table.EntryCountTotal);
        _draws = GC.AllocateUninitializedArray<Draw>(table.EntryCountTotal);
        _guides = new NGramGuides(table, out var guideAt);
        // Contexts are independent: split them into parts of about equal entry counts, one thread each.
        var parts = Math.Clamp(table.EntryCountTotal / (1 << 16), 1, Math.Max(1, threads));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t =>
        {
            var (from, to) = (PartStart(table, t, parts), PartStart(table, t + 1, parts));
            for (var c = from; c < to; c++)
            {
                contexts[c] = Weigh(table, c, smoothing, alpha, vocabularySize, discounts, guideAt[c]);
            }
        });
        _root = contexts[0];
        (_first, _longer) = IndexContexts(table, contexts, vocabularySize);
        _base = new double[vocabularySize];
        for (var w = 0; w < vocabularySize; w++)
        {
            _base[w] = _root.Total > 0 ? (1 - _root.Mass / _root.Total) / vocabularySize : 1.0 / vocabularySize;
        }
        for (var e = _root.Start; e < _guides.End(_root); e++)
        {
            _base[table.EntryToken[e]] += _weights[e] / _root.Total;
        }
        _baseOrder = new int[vocabularySize];
        for (var w = 0; w < vocabularySize; w++)
        {
            _baseOrder[w] = w;
        }
        var weights = _base;
        Array.Sort(_baseOrder, (x, y) => weights[x] != weights[y] ? weights[y].CompareTo(weights[x]) : x.CompareTo(y));
        var types = 0;
        for (var w = 0; w < unigram.Length; w++)
        {
            types += unigram[w] > 0 ? 1 : 0;
        }
        Degeneracy = types <= 1 ? "the training text holds a single token type" : null;
    }

    public int Order { get; }

    public NGramSmoothing Smoothing { get; }

    /// <summary>Kneser–Ney discounts (D₁, D₂, D₃₊) by context length; empty for additive smoothing.</summary>
    public IReadOnlyList<double[]> Discounts { get; }

    public int VocabularySize { get; }

    public int Boundary { get; }

    public SamplingOptions Sampling { get; }

    public string? Degeneracy { get; }

    public ReadOnlySpan<double> Unigram => _unigram;

    /// <summary>Number of stored (context, token) entries, all orders.</summary>
    public int EntryCount => _entryToken.Length;

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        TextGenerator.Generate(this, _prompts, count, stream, threads, _tokenizer);

    /// <summary>The first context of part t of parts: where the entries reach t/parts of all.</summary>
    private static int PartStart(NGramTable table, int t, int parts)
    {
        if (t == 0 || t == parts)
        {
            return t == 0 ? 0 : table.ContextCount;
        }
        var c = Array.BinarySearch(table.EntryStart, 0, table.ContextCount, (int)((long)table.EntryCountTotal * t / parts));
        return c >= 0 ? c : ~c;
    }

    /// <summary>Writes the weights, running sums and guide of context c's entries and returns the context.</summary>
    private NGramContext Weigh(NGramTable table, int c, NGramSmoothing smoothing, double alpha, int vocabularySize, IReadOnlyList<double[]> discounts, int guide)
    {
        var d = table.ContextDepth[c];
        double total = 0, mass = 0;
        for (var e = table.EntryStart[c]; e < table.EntryStart[c + 1]; e++)
        {
            var count = table.EntryCount[e];
            var w = smoothing == NGramSmoothing.KneserNey ? Math.Max(0, count - discounts[d][Math.Min(count, 3) - 1]) : count;
            total += count;
            mass += w;
            _weights[e] = w;
            _draws[e] = new Draw(mass, table.EntryToken[e]);
        }
        if (total > 0 && smoothing == NGramSmoothing.Additive)
        {
            total += alpha * vocabularySize;
        }
        var (start, end) = (table.EntryStart[c], table.EntryStart[c + 1]);
        if (guide >= 0)
        {
            _guides.Fill(guide, start, end, mass, _draws);
        }
        return new NGramContext(total, mass, start, guide >= 0 ? guide : ~end);
    }

    /// <summary>One-token contexts by token; longer ones by (parent key, older token), the parent key of a one-token context being its token.</summary>
    private static (NGramContext[] First, ContextIndex Longer) IndexContexts(NGramTable table, NGramContext[] contexts, int vocabularySize)
    {
        var first = new NGramContext[vocabularySize];
        Array.Fill(first, NGramContext.Missing);
        var longer = new ContextIndex(table.ContextDepth.Count(d => d >= 2), vocabularySize);
        var key = new int[contexts.Length];
        for (var c = 1; c < contexts.Length; c++)
        {
            var token = table.ContextToken[c];
            if (table.ContextDepth[c] == 1)
            {
                first[token] = contexts[c];
                key[c] = token;
            }
            else
            {
                key[c] = longer.ParentKey(longer.Add(key[table.ContextParent[c]], token, contexts[c]));
            }
        }
        return (first, longer);
    }

    /// <summary>Token i of the history counted from the end (1 = last), the boundary before its start.</summary>
    private int Back(ReadOnlySpan<int> history, int k) => k <= history.Length ? history[^k] : Boundary;

    /// <summary>
    /// Contexts of the history from length 1 up to the longest stored (at most n − 1); returns how many. Where
    /// <paramref name="keys"/> is given it receives each context's key: its token at length 1, else V + its slot.
    /// </summary>
    private int Chain(ReadOnlySpan<int> history, Span<NGramContext> chain, Span<int> keys = default)
    {
        if (Order < 2)
        {
            return 0;
        }
        var parent = Back(history, 1);
        chain[0] = _first[parent];
        if (!chain[0].Seen)
        {
            return 0;
        }
        var depth = 1;
        for (var k = 2; k < Order; k++)
        {
            if (!keys.IsEmpty)
            {
                keys[depth - 1] = parent;
            }
            var slot = _longer.Find(parent, Back(history, k));
            if (slot < 0)
            {
                break;
            }
            chain[depth++] = _longer[slot];
            parent = _longer.ParentKey(slot);
        }
        if (!keys.IsEmpty)
        {
            keys[depth - 1] = parent;
        }
        return depth;
    }

    /// <summary>The entry of <paramref name="token"/> in a context (its entries are sorted by token), or −1.</summary>
    private int Find(in NGramContext context, int token)
    {
        var i = Array.BinarySearch(_entryToken, context.Start, _guides.End(context) - context.Start, token);
        return i >= 0 ? i : -1;
    }

    public double Probability(ReadOnlySpan<int> history, int token)
    {
        Span<NGramContext> chain = stackalloc NGramContext[Order];
        var depth = Chain(history, chain);
        var p = _base[token];
        for (var d = 0; d < depth; d++)
        {
            var ctx = chain[d];
            if (ctx.Total > 0)
            {
                var e = Find(ctx, token);
                p = (e >= 0 ? _weights[e] : 0) / ctx.Total + (1 - ctx.Mass / ctx.Total) * p;
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
        Span<NGramContext> chain = stackalloc NGramContext[Order];
        var depth = Chain(history, chain);
        var f = 1.0;
        for (var d = depth - 1; d >= 0 && f > 0; d--)
        {
            var ctx = chain[d];
            if (ctx.Total <= 0)
            {
                continue;
            }
            for (var e = ctx.Start; e < _guides.End(ctx); e++)
            {
                if (_weights[e] > 0)
                {
                    into.Add(_draws[e].Token, f * _weights[e] / ctx.Total);
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
        Span<NGramContext> chain = stackalloc NGramContext[Order];
        return DrawFrom(chain[..Chain(history, chain)], rng);
    }

    /// <summary>The context chain is looked up once for all proposals: the lookup, not the draw, is what a token costs.</summary>
    public int SampleNextAccepted<TFilter>(ReadOnlySpan<int> history, RandomStream rng, ref TFilter filter, int tries)
        where TFilter : struct, IProposalFilter
    {
        Span<NGramContext> chain = stackalloc NGramContext[Order];
        chain = chain[..Chain(history, chain)];
        for (var i = 0; i < tries; i++)
        {
            var t = DrawFrom(chain, rng);
            if (filter.Accept(t, rng))
            {
                return t;
            }
        }
        return -1;
    }

    /// <summary>
    /// Exact without rejection where the seed is fixed: p is a mixture Σ_l a_l q_l over the backoff levels (the
    /// uniform last), so q ∝ Σ_l a_l Z_l q̃_l with Z_l = Σ_t q_l(t)·e^(δ·green(t)) and q̃_l the tilted level. A level
    /// at least as long as the window has one green list, so its tilted sums are cached (<see cref="TiltedWeights"/>)
    /// and the refused token is cut out of them; a shorter one (the root, whose list changes with the seed) and the
    /// uniform enter with the bound Z_l ≤ e^δ and keep a red draw with chance e^(−δ), so only draws that back off that
    /// far can be rejected.
    /// </summary>
    public int SampleNextMarked(ReadOnlySpan<int> history, RandomStream rng, GreenList green, int refused, int tries)
    {
        Span<NGramContext> chain = stackalloc NGramContext[Order];
        Span<int> keys = stackalloc int[Order];
        chain = chain[..Chain(history, chain, keys)];
        var tilted = Tilted(green);
        var seed = green.Seed(history);
        // Level i is chain[^(i + 1)], then the root, then the uniform; mass[i] is its tilted (or bounded) weight mass
        // without the refused entry, which sat at [cut[i], cut[i] + skip[i]) of the running sums.
        var levels = chain.Length + 2;
        Span<double> weight = stackalloc double[levels];
        Span<double> mass = stackalloc double[levels];
        Span<double> cut = stackalloc double[levels];
        Span<double> skip = stackalloc double[levels];
        var (f, total, last) = (1.0, 0.0, 0);
        for (var i = 0; i < levels - 1; i++)
        {
            var ctx = i < chain.Length ? chain[^(i + 1)] : _root;
            (weight[i], cut[i], skip[i]) = (0, double.PositiveInfinity, 0);
            if (ctx.Total > 0)
            {
                if (chain.Length - i >= green.Window)
                {
                    var level = tilted.Of(ctx, keys[chain.Length - 1 - i], seed, _draws, _guides);
                    mass[i] = level.Mass;
                    if (refused == Boundary)
                    {
                        (cut[i], skip[i]) = (level.Below, level.Skip);
                    }
                    else if (refused >= 0 && Find(ctx, refused) is var e and >= 0)
                    {
                        (cut[i], skip[i]) = tilted.Span(ctx, e);
                    }
                    mass[i] = Math.Max(0, mass[i] - skip[i]);
                }
                else
                {
                    mass[i] = tilted.Boost * ctx.Mass;
                }
                weight[i] = f * mass[i] / ctx.Total;
                f *= 1 - ctx.Mass / ctx.Total;
            }
        }
        weight[^1] = f * tilted.Boost;
        for (var i = 0; i < levels; i++)
        {
            total += weight[i];
            last = weight[i] > 0 ? i : last;
        }
        for (var attempt = 0; attempt < tries; attempt++)
        {
            var u = rng.NextDouble() * total;
            var level = 0;
            while (level < last && (weight[level] <= 0 || u >= weight[level]))
            {
                u -= weight[level++];
            }
            if (level < chain.Length && chain.Length - level >= green.Window)
            {
                var v = rng.NextDouble() * mass[level];
                return tilted.Token(chain[^(level + 1)], mass[level] + skip[level], v >= cut[level] ? v + skip[level] : v);
            }
            var t = level == levels - 1 ? rng.NextInt(VocabularySize) : DrawEntry(level < chain.Length ? chain[^(level + 1)] : _root, rng);
            if (t != refused && (green.IsGreen(seed, t) || rng.NextDouble() * tilted.Boost < 1))
            {
                return t;
            }
        }
        return -1;
    }

    /// <summary>The tilted sums for <paramref name="green"/>'s watermark, made the first time a draw needs them.</summary>
    private TiltedWeights Tilted(GreenList green)
    {
        var tilted = Volatile.Read(ref _tilted);
        if (tilted is null || !tilted.Serves(green))
        {
            tilted = new TiltedWeights(green, _weights, _guides, VocabularySize + _longer.Capacity, Boundary);
            Volatile.Write(ref _tilted, tilted);
        }
        return tilted;
    }

    /// <summary>One draw given the history's contexts: back off from the longest until a draw lands on a stored entry.</summary>
    private int DrawFrom(ReadOnlySpan<NGramContext> chain, RandomStream rng)
    {
        for (var d = chain.Length - 1; d >= -1; d--)
        {
            var ctx = d >= 0 ? chain[d] : _root;
            if (ctx.Total <= 0)
            {
                continue;
            }
            var u = rng.NextDouble() * ctx.Total;
            if (u < ctx.Mass)
            {
                return _guides.Token(ctx, u, _draws);
            }
        }
        return rng.NextInt(VocabularySize);
    }

    /// <summary>One draw among a context's entries ∝ their weights (its mass must be positive).</summary>
    private int DrawEntry(in NGramContext ctx, RandomStream rng) => _guides.Token(ctx, rng.NextDouble() * ctx.Mass, _draws);

    /// <summary>An entry's running sum of weights within its context, beside its token: what a draw reads.</summary>
    internal readonly record struct Draw(double Cumulative, int Token);
}
