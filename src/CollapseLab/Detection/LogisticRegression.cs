using System.Numerics.Tensors;

namespace CollapseLab.Detection;

/// <summary>
/// L2-regularised logistic regression p(y = 1 | x) = σ(w·z + b) on standardised features z, fitted by full-batch
/// gradient descent with Adam. Every update is a fixed sequence of sums, so the fit is the same bits every time.
/// </summary>
public sealed class LogisticRegression : IBinaryClassifier
{
    private readonly FeatureScaling _scaling;
    private readonly double[] _w;
    private readonly double _b;

    private LogisticRegression(FeatureScaling scaling, double[] w, double b) => (_scaling, _w, _b) = (scaling, w, b);

    /// <param name="x">Rows of width <paramref name="width"/>, one after another.</param>
    public static LogisticRegression Fit(double[] x, int width, bool[] y, int steps = 300, double rate = 0.05, double l2 = 1e-3)
    {
        var n = y.Length;
        var scaling = FeatureScaling.Of(x, width);
        var z = scaling.Apply(x);
        var w = new double[width + 1]; // last entry: the bias
        var grad = new double[width + 1];
        var adam = new AdamSteps(width + 1, rate);
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
            for (var j = 0; j < width; j++)
            {
                grad[j] += l2 * w[j];
            }
            adam.Step(w, grad);
        }
        return new LogisticRegression(scaling, w[..width], w[width]);
    }

    /// <summary>p(y = 1 | row).</summary>
    public double Probability(ReadOnlySpan<double> row)
    {
        var s = _b;
        var mean = _scaling.Mean;
        var scale = _scaling.Scale;
        for (var j = 0; j < _w.Length; j++)
        {
            s += _w[j] * (row[j] - mean[j]) * scale[j];
        }
        return Sigmoid(s);
    }

    internal static double Sigmoid(double s) => 1 / (1 + Math.Exp(-s));
}
