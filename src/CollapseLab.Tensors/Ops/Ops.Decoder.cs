using CollapseLab.Tensors.Autodiff;

namespace CollapseLab.Tensors;

public static partial class Ops
{
    /// <summary>
    /// RMS norm over the last axis of x (…,C), as Llama's LlamaRMSNorm: y = x · rstd · weight with
    /// rstd = 1/√(mean(x²) + eps), computed in float32. The per-row rstd is kept for the backward pass.
    /// </summary>
    public static Tensor RmsNorm(Tensor x, Tensor weight, float eps)
    {
        var c = x.Shape[^1];
        if (weight.Length != c)
        {
            throw new ArgumentException($"rms_norm: input {Shapes.Format(x.Shape)} needs a weight of ({c},), got {Shapes.Format(weight.Shape)}");
        }

        var rows = c == 0 ? 0 : x.Length / c;
        var y = Tensor.Uninitialized(x.ShapeArray);
        var rstd = Tape.Rent(rows, clear: false);
        var xs = x.Data;
        var w = weight.Data;
        var ys = y.Data;
        for (var r = 0; r < rows; r++)
        {
            var row = xs.Slice(r * c, c);
            var ss = 0f;
            foreach (var v in row)
            {
                ss += v * v;
            }

            var s = 1f / MathF.Sqrt((ss / c) + eps);
            rstd[r] = s;
            var yr = ys.Slice(r * c, c);
            for (var i = 0; i < c; i++)
            {
                yr[i] = row[i] * s * w[i];
            }
        }

        return Tape.Add(y, [x, weight], () => Gradients.RmsNorm(x, weight, y, rstd));
    }

    /// <summary>
    /// Rotary position embedding of x (B,T,NH·D), head by head, in Hugging Face's "rotate half" layout: for
    /// i &lt; D/2 the pair (x_i, x_{i+D/2}) at position p = start + t is rotated by the angle p·θ^(−2i/D):
    /// y_i = x_i cos − x_{i+D/2} sin, y_{i+D/2} = x_{i+D/2} cos + x_i sin. Angles are formed in float32 as
    /// Llama does (inv_freq, then p·inv_freq).
    /// </summary>
    public static Tensor Rotary(Tensor x, int heads, float theta, int start = 0)
    {
        Shapes.RequireRank(x, 3, "rotary", "x");
        var (b, t, c) = (x.Shape[0], x.Shape[1], x.Shape[2]);
        if (c % heads != 0 || c / heads % 2 != 0)
        {
            throw new ArgumentException($"rotary: x {Shapes.Format(x.Shape)} must split into {heads} heads of an even width");
        }

        var (cos, sin) = RotaryTable(t, c / heads, theta, start);
        var y = Tensor.Uninitialized(b, t, c);
        Rotate(x.Data, y.Data, cos, sin, b, t, c / heads, heads, 1f);
        return Tape.Add(y, [x], () => Gradients.Rotary(x, y, cos, sin, heads));
    }

    /// <summary>cos and sin (T, D/2) of the angles (start + t)·θ^(−2i/D).</summary>
    internal static (float[] Cos, float[] Sin) RotaryTable(int t, int d, float theta, int start)
    {
        var half = d / 2;
        var cos = new float[t * half];
        var sin = new float[t * half];
        for (var i = 0; i < half; i++)
        {
            // inv_freq = 1 / theta^(arange(0, d, 2) / d), in float32
            var invFreq = 1f / MathF.Pow(theta, (2f * i) / d);
            for (var p = 0; p < t; p++)
            {
                var angle = (float)(start + p) * invFreq;
                cos[(p * half) + i] = MathF.Cos(angle);
                sin[(p * half) + i] = MathF.Sin(angle);
            }
        }

        return (cos, sin);
    }

    /// <summary>destination = rotate(x) by the table's angles times <paramref name="direction"/> (−1 undoes the rotation).</summary>
    internal static void Rotate(ReadOnlySpan<float> x, Span<float> destination, float[] cos, float[] sin, int b, int t, int d, int heads, float direction)
    {
        var half = d / 2;
        var c = d * heads;
        for (var r = 0; r < b * t; r++)
        {
            var p = r % t;
            for (var h = 0; h < heads; h++)
            {
                var o = (r * c) + (h * d);
                for (var i = 0; i < half; i++)
                {
                    var (co, si) = (cos[(p * half) + i], direction * sin[(p * half) + i]);
                    var (x1, x2) = (x[o + i], x[o + i + half]);
                    destination[o + i] = (x1 * co) - (x2 * si);
                    destination[o + i + half] = (x2 * co) + (x1 * si);
                }
            }
        }
    }
}
