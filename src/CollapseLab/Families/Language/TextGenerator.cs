using CollapseLab.Data.Text;
using CollapseLab.Random;

namespace CollapseLab.Families.Language;

/// <summary>
/// Draws token sequences from any <see cref="ILanguageModel"/> under its <see cref="SamplingOptions"/>. Sequences
/// are drawn in chunks of <see cref="ChunkSequences"/>, each chunk on its own stream, so the bits do not depend on
/// the thread count.
/// </summary>
public static class TextGenerator
{
    public const int ChunkSequences = 64;

    /// <param name="prompts">Real blocks to continue (sequence i continues block i mod count), or null.</param>
    public static TokenBatch Generate(ILanguageModel model, TokenBatch? prompts, int count, StreamKey stream, int threads, Tokenizer? tokenizer)
    {
        var options = model.Sampling;
        if (options.Watermark is { } mark && !mark.MarksGeneration(stream.Generation))
        {
            options = options with { Watermark = null };
        }
        var outputs = new int[count][];
        var chunks = (count + ChunkSequences - 1) / ChunkSequences;
        // A sampler holds V-sized buffers that every sequence leaves as it found them, so one per thread serves all
        // of that thread's chunks (allocating one per chunk made the collector do more work than the draws).
        SequenceSampler Fill(int c, SequenceSampler sampler)
        {
            var rng = stream.WithChunk(c).Open();
            var end = Math.Min(count, (c + 1) * ChunkSequences);
            for (var i = c * ChunkSequences; i < end; i++)
            {
                var prompt = options.Prompted && prompts is { Count: > 0 }
                    ? prompts.Sequence(i % prompts.Count)
                    : [];
                if (options.PromptLength is { } cut && prompt.Length > cut)
                {
                    prompt = prompt[..cut];
                }
                outputs[i] = options.Beam > 1 ? sampler.Beam(prompt) : sampler.Sample(prompt, rng);
            }
            return sampler;
        }
        if (threads <= 1 || chunks <= 1)
        {
            var sampler = new SequenceSampler(model, options);
            for (var c = 0; c < chunks; c++)
            {
                Fill(c, sampler);
            }
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads },
                () => new SequenceSampler(model, options), (c, _, sampler) => Fill(c, sampler), _ => { });
        }
        var offsets = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            offsets[i + 1] = offsets[i] + outputs[i].Length;
        }
        var tokens = new int[offsets[count]];
        for (var i = 0; i < count; i++)
        {
            outputs[i].CopyTo(tokens, offsets[i]);
        }
        return new TokenBatch(tokens, offsets, tokenizer);
    }
}

/// <summary>
/// One thread's generator state: the distribution buffer, marks and caches of base^(1/T). A watermark multiplies a
/// green token's weight by e^(δ/T) (δ added to its logit before the temperature); the implicit part's green mass is
/// cached per context seed while the base distribution stays the same.
/// </summary>
internal sealed class SequenceSampler
{
    private const int MaxRejections = 64;

    private readonly ILanguageModel _model;
    private readonly SamplingOptions _options;
    private readonly NextTokenDistribution _dist;
    private readonly bool[] _explicit;
    private readonly int[] _inHistory;
    private readonly double _invT;
    private readonly int _minLength;
    private readonly int _maxLength;
    private readonly List<int> _explicitTokens = [];
    private readonly List<double> _explicitWeights = [];
    private readonly List<(int Token, double Weight)> _candidates = [];
    private readonly List<int> _ranked = [];
    private double[]? _cachedBase;
    private double[] _powBase = [];
    private double[] _cumPow = [];
    private int[] _powOrder = [];
    private double _powBaseTotal; // Σ_t base(t)^(1/T), the last entry of _cumPow
    private readonly GreenList? _green;
    private readonly double _boost; // e^(δ/T)
    private readonly bool _ownDraws; // no transform but (at most) a watermark: draws come from the model's own sampler
    private readonly Dictionary<ulong, double> _greenPow = [];
    private bool _marked; // the current step has a green list (enough tokens before it)
    private ulong _seed;

    public SequenceSampler(ILanguageModel model, SamplingOptions options)
    {
        _model = model;
        _options = options;
        _dist = new NextTokenDistribution(model.VocabularySize);
        _explicit = new bool[model.VocabularySize];
        _inHistory = new int[model.VocabularySize];
        _invT = 1 / options.Temperature;
        (_minLength, _maxLength) = options.NewTokens;
        _ownDraws = (options with { Watermark = null }).IsPlain;
        if (options.Watermark is { } mark)
        {
            _green = new GreenList(mark, model.VocabularySize);
            _boost = Math.Exp(mark.Delta * _invT);
        }
    }

    public int[] Sample(ReadOnlySpan<int> prompt, RandomStream rng)
    {
        var history = new int[prompt.Length + Math.Min(_maxLength, 256)];
        prompt.CopyTo(history);
        var n = prompt.Length;
        Mark(prompt, +1);
        var boundary = _model.Boundary;
        for (var step = 0; step < _maxLength; step++)
        {
            var masked = step < _minLength;
            var next = -1;
            if (_ownDraws)
            {
                next = DrawPlain(history.AsSpan(0, n), masked, rng);
            }
            if (next < 0)
            {
                next = Step(history.AsSpan(0, n), masked, rng);
            }
            if (next == boundary)
            {
                break;
            }
            if (n == history.Length)
            {
                Array.Resize(ref history, Math.Min(prompt.Length + _maxLength, history.Length * 2));
            }
            history[n++] = next;
            if (_options.RepetitionPenalty != 1)
            {
                _inHistory[next]++;
            }
        }
        Mark(history.AsSpan(0, n), -1);
        return history[prompt.Length..n];
    }

    public int[] Beam(ReadOnlySpan<int> prompt)
    {
        var width = _options.Beam;
        var beams = new List<(int[] Tokens, double Score, bool Done)> { ([], 0, false) };
        var boundary = _model.Boundary;
        var next = new List<(int[] Tokens, double Score, bool Done)>();
        for (var step = 0; step < _maxLength && beams.Any(b => !b.Done); step++)
        {
            next.Clear();
            foreach (var beam in beams)
            {
                if (beam.Done)
                {
                    next.Add(beam);
                    continue;
                }
                int[] history = [.. prompt, .. beam.Tokens];
                Mark(history, +1);
                var total = Candidates(history, step < _minLength, width, 1);
                Mark(history, -1);
                foreach (var (token, weight) in _candidates)
                {
                    var score = beam.Score + Math.Log(weight / total);
                    next.Add(token == boundary ? (beam.Tokens, score, true) : ([.. beam.Tokens, token], score, false));
                }
            }
            beams = next.OrderByDescending(b => b.Score).Take(width).ToList();
        }
        return beams[0].Tokens;
    }

    /// <summary>
    /// A draw from the model's own distribution (without the boundary while <paramref name="masked"/>), ∝ p·e^(δ·green)
    /// under a watermark (<see cref="ILanguageModel.SampleNextMarked"/>), or −1 after <see cref="MaxRejections"/>
    /// refusals; the caller then draws from the full distribution, which keeps it exact.
    /// </summary>
    private int DrawPlain(ReadOnlySpan<int> history, bool masked, RandomStream rng)
    {
        var refused = masked ? _model.Boundary : -1;
        if (_green is { } green && history.Length >= green.Window)
        {
            return _model.SampleNextMarked(history, rng, green, refused, MaxRejections);
        }
        var filter = new WatermarkFilter(refused, null, 0, 1);
        return _model.SampleNextAccepted(history, rng, ref filter, MaxRejections);
    }

    private void Mark(ReadOnlySpan<int> tokens, int delta)
    {
        if (_options.RepetitionPenalty == 1)
        {
            return;
        }
        foreach (var t in tokens)
        {
            _inHistory[t] += delta;
        }
    }

    /// <summary>One draw from the transformed distribution (temperature, penalty, top-k, top-p, boundary mask).</summary>
    private int Step(ReadOnlySpan<int> history, bool masked, RandomStream rng)
    {
        if (_options.TopK is not null || _options.TopP < 1)
        {
            var kept = Candidates(history, masked, _options.TopK ?? int.MaxValue, _options.TopP);
            if (kept <= 0)
            {
                return _model.SampleNext(history, rng);
            }
            var u = rng.NextDouble() * _candidates.Sum(c => c.Weight);
            foreach (var (token, weight) in _candidates)
            {
                u -= weight;
                if (u < 0)
                {
                    return token;
                }
            }
            return _candidates[^1].Token;
        }
        var (explicitMass, implicitMass) = Weigh(history, masked);
        var total = explicitMass + implicitMass;
        if (!(total > 0))
        {
            ClearExplicit();
            return _model.SampleNext(history, rng);
        }
        var x = rng.NextDouble() * total;
        int chosen;
        if (x < explicitMass || implicitMass <= 0)
        {
            chosen = _explicitTokens[^1];
            for (var j = 0; j < _explicitTokens.Count; j++)
            {
                x -= _explicitWeights[j];
                if (x < 0)
                {
                    chosen = _explicitTokens[j];
                    break;
                }
            }
        }
        else
        {
            chosen = DrawImplicit(rng);
        }
        ClearExplicit();
        return chosen;
    }

    /// <summary>e^(δ/T) for a green token of the current step, else 1.</summary>
    private double Boost(int t) => _marked && _green!.IsGreen(_seed, t) ? _boost : 1;

    /// <summary>A draw ∝ base^(1/T) (times the green boost) among tokens not listed explicitly: rejection, then a scan if that keeps failing.</summary>
    private int DrawImplicit(RandomStream rng)
    {
        for (var tries = 0; tries < MaxRejections; tries++)
        {
            var t = _cumPow.AsSpan().BinarySearch(rng.NextDouble() * _powBaseTotal);
            t = t < 0 ? ~t : t + 1;
            t = Math.Min(t, _cumPow.Length - 1);
            if (!_explicit[t] && _powBase[t] > 0 && (!_marked || _green!.IsGreen(_seed, t) || rng.NextDouble() * _boost < 1))
            {
                return t;
            }
        }
        var rest = 0.0;
        for (var t = 0; t < _powBase.Length; t++)
        {
            rest += _explicit[t] ? 0 : _powBase[t] * Boost(t);
        }
        var x = rng.NextDouble() * rest;
        var last = -1;
        for (var t = 0; t < _powBase.Length; t++)
        {
            if (_explicit[t] || _powBase[t] <= 0)
            {
                continue;
            }
            last = t;
            x -= _powBase[t] * Boost(t);
            if (x < 0)
            {
                return t;
            }
        }
        return last;
    }

    /// <summary>
    /// Lists the explicit tokens (the sparse part, penalised history tokens, a masked boundary) with their weights
    /// p^(θ/T) in <see cref="_explicitTokens"/>/<see cref="_explicitWeights"/>, and returns their mass and the implicit mass
    /// λ^(1/T)·Σ_{w not explicit} base(w)^(1/T).
    /// </summary>
    private (double Explicit, double Implicit) Weigh(ReadOnlySpan<int> history, bool masked)
    {
        _model.Next(history, _dist);
        EnsureCache();
        _marked = _green is not null && history.Length >= _green.Window;
        _seed = _marked ? _green!.Seed(history) : 0;
        _explicitTokens.Clear();
        _explicitWeights.Clear();
        foreach (var t in _dist.Tokens)
        {
            AddExplicit(t);
        }
        if (_options.RepetitionPenalty != 1)
        {
            foreach (var t in history)
            {
                AddExplicit(t);
            }
        }
        var boundary = _model.Boundary;
        if (masked)
        {
            AddExplicit(boundary);
        }
        var explicitMass = 0.0;
        var explicitPow = 0.0;
        var explicitGreenPow = 0.0;
        for (var j = 0; j < _explicitTokens.Count; j++)
        {
            var t = _explicitTokens[j];
            explicitPow += _powBase[t];
            var p = _dist.Probability(t);
            var exponent = _invT * (_inHistory[t] > 0 ? _options.RepetitionPenalty : 1);
            var w = (masked && t == boundary) || p <= 0 ? 0 : exponent == 1 ? p : Math.Exp(exponent * Math.Log(p));
            if (_marked && _green!.IsGreen(_seed, t))
            {
                w *= _boost;
                explicitGreenPow += _powBase[t];
            }
            _explicitWeights.Add(w);
            explicitMass += w;
        }
        var rest = Math.Max(0, _powBaseTotal - explicitPow);
        if (_marked)
        {
            rest += (_boost - 1) * Math.Max(0, GreenPow() - explicitGreenPow);
        }
        var implicitMass = _dist.Lambda <= 0 ? 0 : Math.Pow(_dist.Lambda, _invT) * rest;
        return (explicitMass, implicitMass);
    }

    /// <summary>Σ base(w)^(1/T) over the current step's green list, computed once per context seed and base.</summary>
    private double GreenPow()
    {
        if (!_greenPow.TryGetValue(_seed, out var sum))
        {
            for (var t = 0; t < _powBase.Length; t++)
            {
                sum += _powBase[t] > 0 && _green!.IsGreen(_seed, t) ? _powBase[t] : 0;
            }
            if (_greenPow.Count >= 1 << 16)
            {
                _greenPow.Clear();
            }
            _greenPow[_seed] = sum;
        }
        return sum;
    }

    private void AddExplicit(int t)
    {
        if (!_explicit[t])
        {
            _explicit[t] = true;
            _explicitTokens.Add(t);
        }
    }

    private void ClearExplicit()
    {
        foreach (var t in _explicitTokens)
        {
            _explicit[t] = false;
        }
    }

    /// <summary>
    /// The likeliest tokens in order, at most <paramref name="limit"/> and no more than needed to reach a
    /// share <paramref name="p"/> of the mass, into <see cref="_candidates"/>; returns the total mass.
    /// </summary>
    private double Candidates(ReadOnlySpan<int> history, bool masked, int limit, double p)
    {
        var (explicitMass, implicitMass) = Weigh(history, masked);
        var total = explicitMass + implicitMass;
        _candidates.Clear();
        var order = Ranked(limit);
        var scale = _dist.Lambda <= 0 ? 0 : Math.Pow(_dist.Lambda, _invT);
        var target = p * total;
        var cumulative = 0.0;
        // Three lists by falling weight, merged: explicit tokens, and implicit red and green ones in base order (the
        // boost keeps each colour's order; unmarked, every implicit token walks the first list and the green one is empty).
        int a = 0, b = 0, c = 0;
        while (_candidates.Count < limit && (cumulative < target || _candidates.Count == 0))
        {
            var we = a < order.Count ? _explicitWeights[order[a]] : -1;
            var wi = NextImplicit(ref b, scale, green: false);
            var wg = _marked ? NextImplicit(ref c, scale, green: true) : -1;
            if (we < 0 && wi < 0 && wg < 0)
            {
                break;
            }
            if (we >= wi && we >= wg)
            {
                _candidates.Add((_explicitTokens[order[a++]], we));
                cumulative += we;
            }
            else if (wi >= wg)
            {
                _candidates.Add((_powOrder[b++], wi));
                cumulative += wi;
            }
            else
            {
                _candidates.Add((_powOrder[c++], wg));
                cumulative += wg;
            }
        }
        ClearExplicit();
        return total;
    }

    /// <summary>
    /// The weight of the first implicit token at or after position <paramref name="b"/> of the base order (of the
    /// given colour when the step is marked), moving <paramref name="b"/> to it; −1 when there is none.
    /// </summary>
    private double NextImplicit(ref int b, double scale, bool green)
    {
        for (; b < _powOrder.Length; b++)
        {
            var t = _powOrder[b];
            if (_explicit[t] || scale * _powBase[t] <= 0)
            {
                continue;
            }
            if (!_marked)
            {
                return scale * _powBase[t];
            }
            if (_green!.IsGreen(_seed, t) == green)
            {
                return scale * _powBase[t] * (green ? _boost : 1);
            }
        }
        return -1;
    }

    /// <summary>
    /// Indices into the explicit lists of positive weight, heaviest first (ties: smaller token id): only the top
    /// <paramref name="k"/> by insertion into a short sorted list when k is small, else a full sort.
    /// </summary>
    private List<int> Ranked(int k)
    {
        _ranked.Clear();
        bool Before(int x, int y) => _explicitWeights[x] > _explicitWeights[y] || (_explicitWeights[x] == _explicitWeights[y] && _explicitTokens[x] < _explicitTokens[y]);
        if (k > 0 && k <= 64)
        {
            for (var j = 0; j < _explicitTokens.Count; j++)
            {
                if (_explicitWeights[j] <= 0 || (_ranked.Count == k && !Before(j, _ranked[^1])))
                {
                    continue;
                }
                var at = _ranked.Count;
                while (at > 0 && Before(j, _ranked[at - 1]))
                {
                    at--;
                }
                _ranked.Insert(at, j);
                if (_ranked.Count > k)
                {
                    _ranked.RemoveAt(k);
                }
            }
            return _ranked;
        }
        for (var j = 0; j < _explicitTokens.Count; j++)
        {
            if (_explicitWeights[j] > 0)
            {
                _ranked.Add(j);
            }
        }
        _ranked.Sort((x, y) => Before(x, y) ? -1 : Before(y, x) ? 1 : 0);
        return _ranked;
    }

    private void EnsureCache()
    {
        if (ReferenceEquals(_cachedBase, _dist.Base))
        {
            return;
        }
        var baseP = _dist.Base;
        _cachedBase = baseP;
        _powBase = new double[baseP.Length];
        _cumPow = new double[baseP.Length];
        var z = 0.0;
        for (var t = 0; t < baseP.Length; t++)
        {
            _powBase[t] = baseP[t] <= 0 ? 0 : Math.Exp(_invT * Math.Log(baseP[t]));
            z += _powBase[t];
            _cumPow[t] = z;
        }
        _powBaseTotal = z;
        _greenPow.Clear();
        _powOrder = _dist.BaseOrder ?? Enumerable.Range(0, baseP.Length).OrderByDescending(t => baseP[t]).ThenBy(t => t).ToArray();
    }
}
