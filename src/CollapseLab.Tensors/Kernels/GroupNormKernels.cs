using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Group norm over x (B,C,S): the C channels split into G groups of C/G, each (b, group) normalised over its
/// (C/G)·S values, then a per-channel weight and bias. mean and rstd (B·G) are named outputs for the backward pass.
/// Work is split by (b, group); the weight and bias gradients are summed per (b, channel) and then over b in order,
/// so the result does not depend on the thread count.
/// </summary>
internal static class GroupNormKernels
{
    /// <summary>y = (x − mean)·rstd·weight[c] + bias[c], rstd = 1/√(var + eps) with the biased variance.</summary>
    public static void Forward(float[] x, int xOffset, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        float[] y, int yOffset, float[] mean, float[] rstd, int b, int c, int s, int groups, float eps)
    {
        var cg = c / groups;
        var n = cg * s;
        var w = weight.ToArray();
        var bs = bias.ToArray();
        Parallelism.For(b * groups, n, bg =>
        {
            var xr = x.AsSpan(xOffset + (bg * n), n);
            var m = Simd.Sum(xr) / n;
            // y holds x − mean first, so the variance is one vectorised sum of squares
            var yr = y.AsSpan(yOffset + (bg * n), n);
            TensorPrimitives.Subtract(xr, m, yr);
            var r = 1f / MathF.Sqrt((TensorPrimitives.SumOfSquares(yr) / n) + eps);
            mean[bg] = m;
            rstd[bg] = r;
            var c0 = bg % groups * cg;
            for (var k = 0; k < cg; k++)
            {
                var channel = yr.Slice(k * s, s);
                TensorPrimitives.Multiply(channel, r * w[c0 + k], channel);
                TensorPrimitives.Add(channel, bs[c0 + k], channel);
            }
        });
    }

    /// <summary>
    /// With n = (x − mean)·rstd and dn = dy·weight[c], per group: dx += rstd·(dn − mean(dn) − n·mean(dn·n));
    /// dweight[c] += Σ_{b,s} dy·n, dbias[c] += Σ_{b,s} dy. Any of dx, dweight, dbias may be absent.
    /// </summary>
    public static void Backward(float[] x, int xOffset, ReadOnlySpan<float> weight, float[] mean, float[] rstd,
        float[] dy, int dyOffset, float[]? dx, int dxOffset, Span<float> dweight, Span<float> dbias, int b, int c, int s, int groups)
    {
        var cg = c / groups;
        var n = cg * s;
        var w = weight.ToArray();
        // per (b, channel): Σ dy·n and Σ dy
        var partW = new float[b * c];
        var partB = new float[b * c];
        Parallelism.For(b * groups, 2L * n, bg =>
        {
            var xr = x.AsSpan(xOffset + (bg * n), n);
            var gr = dy.AsSpan(dyOffset + (bg * n), n);
            var (m, r) = (mean[bg], rstd[bg]);
            var c0 = bg % groups * cg;
            var pc = (bg / groups * c) + c0;
            // centred = x − mean; Σ dy·n = rstd·Σ dy·centred per channel, and with dn = dy·w the group sums follow
            var buffer = System.Buffers.ArrayPool<float>.Shared.Rent(n);
            var centred = buffer.AsSpan(0, n);
            TensorPrimitives.Subtract(xr, m, centred);
            float sumDn = 0, sumDnN = 0;
            for (var k = 0; k < cg; k++)
            {
                var g = gr.Slice(k * s, s);
                var sb = Simd.Sum(g);
                var sw = r * Simd.Dot(g, centred.Slice(k * s, s));
                partW[pc + k] = sw;
                partB[pc + k] = sb;
                sumDn += sb * w[c0 + k];
                sumDnN += sw * w[c0 + k];
            }

            if (dx is null)
            {
                System.Buffers.ArrayPool<float>.Shared.Return(buffer);
                return;
            }

            // dx += rstd·(dy·w − mean(dn) − n·mean(dn·n)) = a·dy + b·centred + c per channel
            var meanDn = sumDn / n;
            var meanDnN = sumDnN / n;
            var d = dx.AsSpan(dxOffset + (bg * n), n);
            var bx = -r * r * meanDnN;
            for (var k = 0; k < cg; k++)
            {
                var dk = d.Slice(k * s, s);
                TensorPrimitives.MultiplyAdd(gr.Slice(k * s, s), r * w[c0 + k], dk, dk);
                TensorPrimitives.MultiplyAdd(centred.Slice(k * s, s), bx, dk, dk);
                TensorPrimitives.Add(dk, -r * meanDn, dk);
            }

            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        });
        for (var i = 0; i < b; i++)
        {
            for (var k = 0; k < c; k++)
            {
                if (!dweight.IsEmpty)
                {
                    dweight[k] += partW[(i * c) + k];
                }

                if (!dbias.IsEmpty)
                {
                    dbias[k] += partB[(i * c) + k];
                }
            }
        }
    }
}
