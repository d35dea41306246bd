using System.Numerics.Tensors;
using CollapseLab.Random;

namespace CollapseLab.Detection;

/// <summary>
/// A one-hidden-layer network p(y = 1 | x) = σ(v·tanh(W z + c) + b) on standardised features z, fitted by full-batch
/// Adam on the L2-regularised cross-entropy, from weights drawn N(0, 1/width) on the given stream. It sees what a
/// linear detector cannot, e.g. synthetic rows that are narrower than the real ones but centred alike.
/// </summary>
public sealed class MlpClassifier : IBinaryClassifier
{
    private readonly FeatureScaling _scaling;
    private readonly double[] _weights; // W (hidden × width), c (hidden), v (hidden), b
    private readonly int _hidden;

    private MlpClassifier(FeatureScaling scaling, double[] weights, int hidden) => (_scaling, _weights, _hidden) = (scaling, weights, hidden);

    /// <param name="x">Rows of width <paramref name="width"/>, one after another.</param>
    public static MlpClassifier Fit(double[] x, int width, bool[] y, int hidden, RandomStream init, int steps = 300, double rate = 0.01, double l2 = 1e-3)
    {
        var n = y.Length;
        var scaling = FeatureScaling.Of(x, width);
        var z = scaling.Apply(x);
        var layout = new Layout(width, hidden);
        var weights = new double[layout.Size];
        init.FillNormal(weights.AsSpan(0, hidden * width), 0, 1 / Math.Sqrt(width));
        init.FillNormal(weights.AsSpan(layout.V, hidden), 0, 1 / Math.Sqrt(hidden));
        var grad = new double[layout.Size];
        var h = new double[hidden];
        var dh = new double[hidden];
        var adam = new AdamSteps(layout.Size, rate);
        for (var t = 0; t < steps; t++)
        {
            Array.Clear(grad);
            for (var i = 0; i < n; i++)
            {
                var row = z.AsSpan(i * width, width);
                var p = Forward(weights, layout, row, h);
                var r = (p - (y[i] ? 1 : 0)) / n;
                for (var k = 0; k < hidden; k++)
                {
                    dh[k] = r * weights[layout.V + k] * (1 - h[k] * h[k]);
                    grad[layout.V + k] += r * h[k];
                    grad[layout.C + k] += dh[k];
                    var gw = grad.AsSpan(k * width, width);
                    TensorPrimitives.MultiplyAdd(row, dh[k], gw, gw);
                }
                grad[layout.B] += r;
            }
            for (var j = 0; j < layout.B; j++)
            {
                grad[j] += l2 * weights[j];
            }
            adam.Step(weights, grad);
        }
        return new MlpClassifier(scaling, weights, hidden);
    }

    public double Probability(ReadOnlySpan<double> row)
    {
        var width = _scaling.Width;
        Span<double> z = width <= 512 ? stackalloc double[width] : new double[width];
        var mean = _scaling.Mean;
        var scale = _scaling.Scale;
        for (var j = 0; j < width; j++)
        {
            z[j] = (row[j] - mean[j]) * scale[j];
        }
        return Forward(_weights, new Layout(width, _hidden), z, new double[_hidden]);
    }

    /// <summary>p for one standardised row, leaving the hidden activations in <paramref name="h"/>.</summary>
    private static double Forward(double[] weights, Layout layout, ReadOnlySpan<double> z, Span<double> h)
    {
        var s = weights[layout.B];
        for (var k = 0; k < h.Length; k++)
        {
            h[k] = Math.Tanh(TensorPrimitives.Dot(z, weights.AsSpan(k * layout.Width, layout.Width)) + weights[layout.C + k]);
            s += weights[layout.V + k] * h[k];
        }
        return LogisticRegression.Sigmoid(s);
    }

    /// <summary>Where each block of the flat parameter vector starts.</summary>
    private readonly record struct Layout(int Width, int Hidden)
    {
        public int C => Hidden * Width;

        public int V => C + Hidden;

        public int B => V + Hidden;

        public int Size => B + 1;
    }
}
