using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors;

public static partial class Ops
{
    /// <summary>
    /// 2-D cross-correlation as nn.Conv2d: x (B,C,H,W), weight (OC,C,KH,KW), bias (OC) or null; y is (B,OC,OH,OW)
    /// with OH = ⌊(H + 2·padding − KH)/stride⌋ + 1. Computed per image as im2col and one GEMM, W (OC, C·KH·KW) · col (ConvKernels).
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        Shapes.RequireRank(x, 4, "conv2d", "input");
        Shapes.RequireRank(weight, 4, "conv2d", "weight");
        if (weight.Shape[1] != x.Shape[1])
        {
            throw new ArgumentException($"conv2d: input {Shapes.Format(x.Shape)} has {x.Shape[1]} channels but weight {Shapes.Format(weight.Shape)} expects {weight.Shape[1]}");
        }

        var oc = weight.Shape[0];
        if (bias is not null && (bias.Rank != 1 || bias.Length != oc))
        {
            throw new ArgumentException($"conv2d: bias {Shapes.Format(bias.Shape)} does not match weight {Shapes.Format(weight.Shape)}");
        }

        if (stride < 1 || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), $"conv2d: stride {stride} must be ≥ 1 and padding {padding} ≥ 0");
        }

        var g = new ConvGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[2], weight.Shape[3], stride, padding);
        if (g.OH < 1 || g.OW < 1)
        {
            throw new ArgumentException($"conv2d: a {g.KH}×{g.KW} kernel with padding {padding} does not fit input {Shapes.Format(x.Shape)}");
        }

        var y = Tensor.Uninitialized(g.B, oc, g.OH, g.OW);
        ConvKernels.Forward(g, x.Storage, x.Offset, weight.Storage, weight.Offset, bias is null ? default : bias.Data, oc, y.Storage, y.Offset);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tape.Add(y, inputs, () => Gradients.Conv2d(x, weight, bias, y, g));
    }

    /// <summary>Nearest-neighbour upsampling of x (B,C,H,W) by an integer factor: y[b,c,i,j] = x[b,c,⌊i/f⌋,⌊j/f⌋].</summary>
    public static Tensor UpsampleNearest(Tensor x, int factor = 2)
    {
        Shapes.RequireRank(x, 4, "upsample", "input");
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        var (planes, h, w) = (x.Shape[0] * x.Shape[1], x.Shape[2], x.Shape[3]);
        var y = Tensor.Uninitialized(x.Shape[0], x.Shape[1], h * factor, w * factor);
        var xs = x.Data;
        var ys = y.Data;
        var yw = w * factor;
        for (var p = 0; p < planes; p++)
        {
            for (var i = 0; i < h; i++)
            {
                var src = xs.Slice((p * h * w) + (i * w), w);
                var dst = ys.Slice((p * h * factor * yw) + (i * factor * yw), yw);
                for (var j = 0; j < w; j++)
                {
                    dst.Slice(j * factor, factor).Fill(src[j]);
                }

                // the other factor − 1 output rows repeat the first
                for (var r = 1; r < factor; r++)
                {
                    dst.CopyTo(ys.Slice((p * h * factor * yw) + (((i * factor) + r) * yw), yw));
                }
            }
        }

        return Tape.Add(y, [x], () => Gradients.UpsampleNearest(x, y, factor));
    }

    /// <summary>
    /// Group norm as nn.GroupNorm: x (B,C,…) with C divisible by <paramref name="groups"/>; each sample's groups of
    /// C/G channels are normalised over their values, then scaled by weight (C) and shifted by bias (C).
    /// </summary>
    public static Tensor GroupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps = 1e-5f)
    {
        if (x.Rank < 2)
        {
            throw new ArgumentException($"group_norm: input {Shapes.Format(x.Shape)} needs a batch and a channel axis");
        }

        var (b, c) = (x.Shape[0], x.Shape[1]);
        if (groups < 1 || c % groups != 0)
        {
            throw new ArgumentException($"group_norm: {c} channels do not split into {groups} groups");
        }

        if (weight.Length != c || bias.Length != c)
        {
            throw new ArgumentException(
                $"group_norm: input {Shapes.Format(x.Shape)} needs weight and bias of ({c},), got {Shapes.Format(weight.Shape)} and {Shapes.Format(bias.Shape)}");
        }

        var s = x.Length / Math.Max(1, b * c);
        var y = Tensor.Uninitialized(x.ShapeArray);
        var mean = Tape.Rent(b * groups, clear: false);
        var rstd = Tape.Rent(b * groups, clear: false);
        GroupNormKernels.Forward(x.Storage, x.Offset, weight.Data, bias.Data, y.Storage, y.Offset, mean, rstd, b, c, s, groups, eps);
        return Tape.Add(y, [x, weight, bias], () => Gradients.GroupNorm(x, weight, bias, y, mean, rstd, groups));
    }

    /// <summary>SiLU's pieces, forward and backward: a multiple of every vector width, so bits never depend on the thread count.</summary>
    internal const int SiluChunk = 4096;

    /// <summary>SiLU (swish): y = x·σ(x).</summary>
    public static Tensor Silu(Tensor x)
    {
        var y = Tensor.Uninitialized(x.ShapeArray);
        var (xs, ys, length) = (x.Storage, y.Storage, x.Length);
        const int chunk = SiluChunk;
        Parallelism.For(Parallelism.Pieces(length, chunk), chunk * 4, piece =>
        {
            var s = piece * chunk;
            var xc = xs.AsSpan(x.Offset + s, Math.Min(chunk, length - s));
            var yc = ys.AsSpan(y.Offset + s, xc.Length);
            System.Numerics.Tensors.TensorPrimitives.Sigmoid(xc, yc);
            System.Numerics.Tensors.TensorPrimitives.Multiply(xc, yc, yc);
        });
        return Tape.Add(y, [x], () => Gradients.Silu(x, y));
    }

    /// <summary>
    /// The sinusoidal timestep embedding of DDPM (as in guided-diffusion): for each t, (dim) values
    /// [cos(t·f₀) … cos(t·f_{h−1}), sin(t·f₀) … sin(t·f_{h−1})] with h = dim/2 and f_i = maxPeriod^(−i/h); a
    /// constant input, so no gradient. The result is (len(t), dim).
    /// </summary>
    public static Tensor TimestepEmbedding(ReadOnlySpan<float> t, int dim, float maxPeriod = 10_000f)
    {
        if (dim < 2 || dim % 2 != 0)
        {
            throw new ArgumentException($"timestep_embedding: dim {dim} must be even and at least 2");
        }

        var half = dim / 2;
        var y = Tensor.Uninitialized(t.Length, dim);
        var ys = y.Data;
        var freqs = new float[half];
        for (var i = 0; i < half; i++)
        {
            freqs[i] = (float)Math.Exp(-Math.Log(maxPeriod) * i / half);
        }

        var args = new float[half];
        for (var r = 0; r < t.Length; r++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(freqs, t[r], args);
            System.Numerics.Tensors.TensorPrimitives.Cos(args, ys.Slice(r * dim, half));
            System.Numerics.Tensors.TensorPrimitives.Sin(args, ys.Slice((r * dim) + half, half));
        }

        return y;
    }
}
