namespace CollapseLab.Detection;

/// <summary>
/// Standardisation of feature columns, z = (x − mean)·scale with scale = 1/sd. A column without spread gets scale 0,
/// so a constant feature is harmless to every classifier fitted on z.
/// </summary>
public sealed class FeatureScaling
{
    private readonly double[] _mean;
    private readonly double[] _scale;

    private FeatureScaling(double[] mean, double[] scale) => (_mean, _scale) = (mean, scale);

    public int Width => _mean.Length;

    public ReadOnlySpan<double> Mean => _mean;

    public ReadOnlySpan<double> Scale => _scale;

    /// <param name="x">Rows of width <paramref name="width"/>, one after another.</param>
    public static FeatureScaling Of(double[] x, int width)
    {
        var n = x.Length / width;
        var mean = new double[width];
        var scale = new double[width];
        for (var j = 0; j < width; j++)
        {
            double s = 0, s2 = 0;
            for (var i = 0; i < n; i++)
            {
                s += x[i * width + j];
                s2 += x[i * width + j] * x[i * width + j];
            }
            mean[j] = s / n;
            var sd = Math.Sqrt(Math.Max(0, s2 / n - mean[j] * mean[j]));
            scale[j] = sd > 1e-12 ? 1 / sd : 0;
        }
        return new FeatureScaling(mean, scale);
    }

    /// <summary>Every row of <paramref name="x"/> standardised, in a new array.</summary>
    public double[] Apply(double[] x)
    {
        var z = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var j = i % Width;
            z[i] = (x[i] - _mean[j]) * _scale[j];
        }
        return z;
    }
}
