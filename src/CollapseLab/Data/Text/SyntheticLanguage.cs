using CollapseLab.Random;

namespace CollapseLab.Data.Text;

/// <summary>
/// A language with known truth. Types 1 … V have Zipfian unigram weights u(r) ∝ r^(−s) (id = rank; id 0 is the
/// boundary). Of order k, each context c (the last k − 1 tokens) has B successors drawn from u without replacement
/// (seeded), weighted by their draw position j as (j+1)^(−s); the next-token law mixes them with the unigram:
/// p(w | c) = (1 − ε)·q_c(w) + ε·u(w), so every type stays reachable and the chain is ergodic. Sequences start from
/// the stationary law π of contexts, so every position has the same marginal, and the entropy rate
/// H = Σ_c π(c)·H(p(· | c)) and the KL rate to any model of order ≤ k are exact sums.
/// </summary>
public sealed class SyntheticLanguage
{
    private readonly double[] _unigram;
    private readonly double[] _unigramCumulative;
    private readonly int[] _successor;
    private readonly double[] _successorP;
    private readonly double[] _stationaryCumulative;

    public SyntheticLanguage(int types, double exponent, int order, int branching, double epsilon, ulong seed)
    {
        Types = types;
        Exponent = exponent;
        Order = order;
        Branching = Math.Min(branching, types);
        Epsilon = order == 1 ? 1 : epsilon;
        Tokenizer = new SyntheticTokenizer(types);
        _unigram = new double[types + 1];
        var z = 0.0;
        for (var r = 1; r <= types; r++)
        {
            z += _unigram[r] = Math.Pow(r, -exponent);
        }
        _unigramCumulative = new double[types + 1];
        for (var r = 1; r <= types; r++)
        {
            _unigram[r] /= z;
            _unigramCumulative[r] = _unigramCumulative[r - 1] + _unigram[r];
        }
        Contexts = (int)Math.Pow(types, order - 1);
        var b = Branching;
        _successor = new int[Contexts * b];
        _successorP = new double[Contexts * b];
        var weights = Enumerable.Range(1, b).Select(j => Math.Pow(j, -exponent)).ToArray();
        var wz = weights.Sum();
        if (order > 1)
        {
            var rng = new StreamKey(seed, 0, 0, Purpose.Init).Open();
            var taken = new HashSet<int>();
            for (var c = 0; c < Contexts; c++)
            {
                taken.Clear();
                for (var j = 0; j < b; j++)
                {
                    int w;
                    do
                    {
                        w = DrawUnigram(rng);
                    }
                    while (!taken.Add(w));
                    _successor[c * b + j] = w;
                    _successorP[c * b + j] = (1 - Epsilon) * weights[j] / wz;
                }
            }
        }
        Stationary = ComputeStationary();
        _stationaryCumulative = new double[Contexts];
        var acc = 0.0;
        for (var c = 0; c < Contexts; c++)
        {
            _stationaryCumulative[c] = acc += Stationary[c];
        }
        EntropyRate = ComputeEntropyRate();
    }

    public int Types { get; }

    public double Exponent { get; }

    public int Order { get; }

    public int Branching { get; }

    public double Epsilon { get; }

    /// <summary>V^(k−1) contexts; context index c = Σ_j (h_{−j} − 1)·V^(j−1), newest token in the lowest digit.</summary>
    public int Contexts { get; }

    public double[] Stationary { get; }

    /// <summary>Exact entropy rate, nats per token.</summary>
    public double EntropyRate { get; }

    public Tokenizer Tokenizer { get; }

    /// <summary>u(w), indexed by token id (entry 0, the boundary, is 0).</summary>
    public ReadOnlySpan<double> Unigram => _unigram;

    public string Describe() =>
        $"Zipf language: V={Types:N0}, s={Exponent:G3}, order {Order}" + (Order > 1 ? $", {Branching} successors, ε={Epsilon:G3}" : "") +
        $"; entropy rate {EntropyRate:F4} nats/token";

    private int DrawUnigram(RandomStream rng)
    {
        var x = rng.NextDouble();
        var i = Array.BinarySearch(_unigramCumulative, x);
        i = i < 0 ? ~i : i + 1;
        return Math.Clamp(i, 1, Types);
    }

    /// <summary>The next context after c when w follows: drop the oldest token, add w as the newest.</summary>
    private int Shift(int c, int w) => Contexts == 1 ? 0 : (int)(((long)c * Types + (w - 1)) % Contexts);

    /// <summary>p(w | c) for every w into <paramref name="destination"/> (length V + 1).</summary>
    public void Conditional(int c, Span<double> destination)
    {
        for (var w = 0; w <= Types; w++)
        {
            destination[w] = Epsilon * _unigram[w];
        }
        if (Order > 1)
        {
            for (var j = 0; j < Branching; j++)
            {
                destination[_successor[c * Branching + j]] += _successorP[c * Branching + j];
            }
        }
    }

    /// <summary>The tokens of context c, oldest first.</summary>
    public int[] ContextTokens(int c)
    {
        var tokens = new int[Order - 1];
        for (var j = Order - 2; j >= 0; j--)
        {
            tokens[j] = c % Types + 1;
            c /= Types;
        }
        return tokens;
    }

    private double[] ComputeStationary()
    {
        var pi = new double[Contexts];
        if (Contexts == 1)
        {
            pi[0] = 1;
            return pi;
        }
        Array.Fill(pi, 1.0 / Contexts);
        var next = new double[Contexts];
        var keep = Contexts / Types;
        var kept = new double[keep];
        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            Array.Clear(next);
            Array.Clear(kept);
            for (var c = 0; c < Contexts; c++)
            {
                kept[c % keep] += pi[c];
                for (var j = 0; j < Branching; j++)
                {
                    var w = _successor[c * Branching + j];
                    next[Shift(c, w)] += pi[c] * _successorP[c * Branching + j];
                }
            }
            for (var k = 0; k < keep; k++)
            {
                for (var w = 1; w <= Types; w++)
                {
                    next[k * Types + w - 1] += Epsilon * _unigram[w] * kept[k];
                }
            }
            var change = 0.0;
            for (var c = 0; c < Contexts; c++)
            {
                change += Math.Abs(next[c] - pi[c]);
            }
            (pi, next) = (next, pi);
            if (change < 1e-14)
            {
                break;
            }
        }
        return pi;
    }

    private double ComputeEntropyRate()
    {
        var p = new double[Types + 1];
        var h = 0.0;
        for (var c = 0; c < Contexts; c++)
        {
            Conditional(c, p);
            var hc = 0.0;
            foreach (var x in p)
            {
                hc -= x > 0 ? x * Math.Log(x) : 0;
            }
            h += Stationary[c] * hc;
        }
        return h;
    }

    /// <summary><paramref name="count"/> sequences of <paramref name="length"/> tokens, in chunks with their own streams.</summary>
    public TokenBatch Sample(int count, int length, StreamKey stream)
    {
        const int chunk = 256;
        var tokens = new int[count * length];
        for (var start = 0; start < count; start += chunk)
        {
            var rng = stream.WithChunk(start / chunk).Open();
            for (var i = start; i < Math.Min(count, start + chunk); i++)
            {
                var seq = tokens.AsSpan(i * length, length);
                var x = rng.NextDouble();
                var c = Array.BinarySearch(_stationaryCumulative, x);
                c = Math.Min(c < 0 ? ~c : c + 1, Contexts - 1);
                var context = ContextTokens(c);
                var t = 0;
                for (; t < context.Length && t < length; t++)
                {
                    seq[t] = context[t];
                }
                for (; t < length; t++)
                {
                    var w = Next(c, rng);
                    seq[t] = w;
                    c = Shift(c, w);
                }
            }
        }
        return TokenBatch.Blocks(tokens, length, Tokenizer);
    }

    private int Next(int c, RandomStream rng)
    {
        var x = rng.NextDouble();
        if (x < Epsilon)
        {
            return DrawUnigram(rng);
        }
        x -= Epsilon;
        for (var j = 0; j < Branching; j++)
        {
            x -= _successorP[c * Branching + j];
            if (x < 0)
            {
                return _successor[c * Branching + j];
            }
        }
        return _successor[c * Branching + Branching - 1];
    }
}

/// <summary>Tokens "w1" … "wV" of a synthetic language, id = rank; id 0 is the boundary.</summary>
public sealed class SyntheticTokenizer(int types) : Tokenizer
{
    public override string Kind => "synthetic";

    public override int VocabularySize => types + 1;

    public override int Boundary => 0;

    public override int[] Encode(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Length > 1 && w[0] == 'w' && int.TryParse(w.AsSpan(1), out var id) && id >= 1 && id <= types ? id : 0)
            .ToArray();

    public override string Decode(ReadOnlySpan<int> tokens)
    {
        var parts = new List<string>(tokens.Length);
        foreach (var t in tokens)
        {
            if (t != Boundary)
            {
                parts.Add(TokenText(t));
            }
        }
        return string.Join(' ', parts);
    }

    public override string TokenText(int id) => id == 0 ? "<s>" : $"w{id}";
}
