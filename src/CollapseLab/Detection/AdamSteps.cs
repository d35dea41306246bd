namespace CollapseLab.Detection;

/// <summary>Adam (β₁ = 0.9, β₂ = 0.999) over one flat parameter vector, for the detectors' full-batch fits.</summary>
internal sealed class AdamSteps(int size, double rate)
{
    private readonly double[] _m = new double[size];
    private readonly double[] _v = new double[size];
    private int _t;

    /// <summary>One update of <paramref name="weights"/> by <paramref name="gradient"/>.</summary>
    public void Step(Span<double> weights, ReadOnlySpan<double> gradient)
    {
        _t++;
        var c1 = 1 - Math.Pow(0.9, _t);
        var c2 = 1 - Math.Pow(0.999, _t);
        for (var j = 0; j < weights.Length; j++)
        {
            var g = gradient[j];
            _m[j] = 0.9 * _m[j] + 0.1 * g;
            _v[j] = 0.999 * _v[j] + 0.001 * g * g;
            weights[j] -= rate * (_m[j] / c1) / (Math.Sqrt(_v[j] / c2) + 1e-8);
        }
    }
}
