using CollapseLab.Families.Language;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Running sums of entry weights tilted by a watermark, w·e^(δ·green), for the contexts whose green list is fixed:
/// those at least as long as the window, whose last tokens are the seed. Filled for a context the first time a draw
/// needs it, so memory and green tests go only to contexts that are sampled. A context's first sum is NaN until the
/// rest are written; threads that race fill identical values, so the result does not depend on the thread count.
/// </summary>
internal sealed class TiltedWeights
{
    private readonly double[] _sums;
    private readonly double[] _weights;
    private readonly int[] _tokens;

    public TiltedWeights(GreenList green, double[] weights, int[] tokens)
    {
        Green = green;
        Boost = Math.Exp(green.Watermark.Delta);
        _weights = weights;
        _tokens = tokens;
        _sums = GC.AllocateUninitializedArray<double>(weights.Length);
        Array.Fill(_sums, double.NaN);
    }

    public GreenList Green { get; }

    /// <summary>Whether <paramref name="green"/> colours tokens as this one's list does (the same γ, key, window and δ).</summary>
    public bool Serves(GreenList green) => ReferenceEquals(green, Green) || (green.Watermark.Gamma == Green.Watermark.Gamma
        && green.Watermark.Delta == Green.Watermark.Delta && green.Watermark.Key == Green.Watermark.Key
        && green.Watermark.Window == Green.Watermark.Window && green.VocabularySize == Green.VocabularySize);

    /// <summary>e^δ.</summary>
    public double Boost { get; }

    /// <summary>Σ w·e^(δ·green) over the entries [start, end) of a context whose green list is seeded by <paramref name="seed"/>.</summary>
    public double Mass(int start, int end, ulong seed)
    {
        if (double.IsNaN(Volatile.Read(ref _sums[start])))
        {
            Fill(start, end, seed);
        }
        return _sums[end - 1];
    }

    /// <summary>The token of the first entry of [start, end) whose tilted running sum exceeds v &lt; its mass (filled).</summary>
    public int Token(int start, int end, double v)
    {
        var sums = _sums;
        int lo = start, hi = end - 1; // the answer is in [lo, hi]
        while (hi - lo > 8)
        {
            var mid = (lo + hi) >>> 1;
            (lo, hi) = sums[mid] > v ? (lo, mid) : (mid + 1, hi);
        }
        while (lo < hi && sums[lo] <= v)
        {
            lo++;
        }
        return _tokens[lo];
    }

    private void Fill(int start, int end, ulong seed)
    {
        var first = Tilt(start, seed);
        var sum = first;
        for (var e = start + 1; e < end; e++)
        {
            sum += Tilt(e, seed);
            _sums[e] = sum;
        }
        Volatile.Write(ref _sums[start], first);
    }

    private double Tilt(int e, ulong seed) => Green.IsGreen(seed, _tokens[e]) ? _weights[e] * Boost : _weights[e];
}
