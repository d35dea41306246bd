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
            var sq = 0.0;
            foreach (var v in xr)
            {
                sq += (double)(v - m) * (v - m);
            }

            var r = 1f / MathF.Sqrt((float)(sq / n) + eps);
            mean[bg] = m;
            rstd[bg] = r;
            var yr = y.AsSpan(yOffset + (bg * n), n);
            var c0 = bg % groups * cg;
            for (var k = 0; k < cg; k++)
            {
                var scale = r * w[c0 + k];
                var shift = bs[c0 + k] - (m * scale);
                for (var i = k * s; i < (k + 1) * s; i++)
                {
                    yr[i] = (xr[i] * scale) + shift;
                }
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
            double sumDn = 0, sumDnN = 0;
            for (var k = 0; k < cg; k++)
            {
                float sw = 0, sb = 0;
                for (var i = k * s; i < (k + 1) * s; i++)
                {
                    var norm = (xr[i] - m) * r;
                    var dn = gr[i] * w[c0 + k];
                    sumDn += dn;
                    sumDnN += dn * norm;
                    sw += gr[i] * norm;
                    sb += gr[i];
                }

                partW[pc + k] = sw;
                partB[pc + k] = sb;
            }

            if (dx is null)
            {
                return;
            }

            var meanDn = (float)(sumDn / n);
            var meanDnN = (float)(sumDnN / n);
            var d = dx.AsSpan(dxOffset + (bg * n), n);
            for (var k = 0; k < cg; k++)
            {
                for (var i = k * s; i < (k + 1) * s; i++)
                {
                    var norm = (xr[i] - m) * r;
                    d[i] += r * ((gr[i] * w[c0 + k]) - meanDn - (norm * meanDnN));
                }
            }
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
