using System.Numerics.Tensors;

namespace CollapseLab.Detection;

/// <summary>
/// L2-regularised logistic regression p(y = 1 | x) = σ(w·z + b) on standardised features z, fitted by full-batch
/// gradient descent with Adam. A column without spread is left at 0, so constant features are harmless; every
/// update is a fixed sequence of sums, so the fit is the same bits every time.
/// </summary>
public sealed class LogisticRegression
{
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _w;
    private readonly double _b;

    private LogisticRegression(double[] mean, double[] scale, double[] w, double b) => (_mean, _scale, _w, _b) = (mean, scale, w, b);

    /// <param name="x">Rows of width <paramref name="width"/>, one after another.</param>
    public static LogisticRegression Fit(double[] x, int width, bool[] y, int steps = 300, double rate = 0.05, double l2 = 1e-3)
    {
        var n = y.Length;
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
        var z = new double[x.Length];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < width; j++)
            {
                z[i * width + j] = (x[i * width + j] - mean[j]) * scale[j];
            }
        }
        var w = new double[width + 1]; // last entry: the bias
        var m = new double[width + 1];
        var v = new double[width + 1];
        var grad = new double[width + 1];
        for (var t = 1; t <= steps; t++)
        {
            Array.Clear(grad);
            for (var i = 0; i < n; i++)
            {
                var row = z.AsSpan(i * width, width);
                var r = (Sigmoid(TensorPrimitives.Dot(row, w.AsSpan(0, width)) + w[width]) - (y[i] ? 1 : 0)) / n;
                TensorPrimitives.MultiplyAdd(row, r, grad.AsSpan(0, width), grad.AsSpan(0, width)); // grad += r·row
                grad[width] += r;
            }
            for (var j = 0; j <= width; j++)
            {
                var g = grad[j] + (j < width ? l2 * w[j] : 0);
                m[j] = 0.9 * m[j] + 0.1 * g;
                v[j] = 0.999 * v[j] + 0.001 * g * g;
                w[j] -= rate * (m[j] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v[j] / (1 - Math.Pow(0.999, t))) + 1e-8);
            }
        }
        return new LogisticRegression(mean, scale, w[..width], w[width]);
    }

    /// <summary>p(y = 1 | row).</summary>
    public double Probability(ReadOnlySpan<double> row)
    {
        var s = _b;
        for (var j = 0; j < _w.Length; j++)
        {
            s += _w[j] * (row[j] - _mean[j]) * _scale[j];
        }
        return Sigmoid(s);
    }

    private static double Sigmoid(double s) => 1 / (1 + Math.Exp(-s));
}
