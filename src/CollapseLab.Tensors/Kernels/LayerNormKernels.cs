using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>Layer norm over the last axis with a hand-written backward pass; mean and rstd are named outputs.</summary>
internal static class LayerNormKernels
{
    /// <summary>
    /// For each row r of x (N,C): mean[r], rstd[r] = 1/√(var + eps) with the biased variance, and
    /// y = (x − mean)·rstd·weight + bias.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> mean, Span<float> rstd, int c, float eps)
    {
        var rows = mean.Length;
        for (var r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * c, c);
            var yr = y.Slice(r * c, c);
            var m = TensorPrimitives.Sum(xr) / c;
            TensorPrimitives.Subtract(xr, m, yr);
            var v = TensorPrimitives.SumOfSquares(yr) / c;
            var s = 1f / MathF.Sqrt(v + eps);
            TensorPrimitives.Multiply(yr, s, yr);
            TensorPrimitives.MultiplyAdd(yr, weight, bias, yr);
            mean[r] = m;
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Given dy, adds into dx, dweight, dbias. With n = (x − mean)·rstd and dn = dy·weight:
    /// dx = rstd·(dn − mean(dn) − n·mean(dn·n)), dweight = Σ_rows dy·n, dbias = Σ_rows dy.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dweight, Span<float> dbias, int c,
        bool needX, bool needWeight, bool needBias)
    {
        Span<float> n = c <= 4096 ? stackalloc float[c] : new float[c];
        Span<float> dn = c <= 4096 ? stackalloc float[c] : new float[c];
        for (var r = 0; r < mean.Length; r++)
        {
            var dyr = dy.Slice(r * c, c);
            // n = (x − mean)·rstd, the normalised input of the forward line
            TensorPrimitives.Subtract(x.Slice(r * c, c), mean[r], n);
            TensorPrimitives.Multiply(n, rstd[r], n);
            if (needBias)
            {
                TensorPrimitives.Add(dbias, dyr, dbias);
            }

            if (needWeight)
            {
                TensorPrimitives.MultiplyAdd(dyr, n, dweight, dweight);
            }

            if (needX)
            {
                TensorPrimitives.Multiply(dyr, weight, dn);
                var meanDn = TensorPrimitives.Sum(dn) / c;
                var meanDnN = TensorPrimitives.Dot(dn, n) / c;
                // dn − mean(dn) − n·mean(dn·n), then scaled by rstd and added to dx
                TensorPrimitives.MultiplyAdd(n, -meanDnN, dn, dn);
                TensorPrimitives.Subtract(dn, meanDn, dn);
                var dxr = dx.Slice(r * c, c);
                TensorPrimitives.MultiplyAdd(dn, rstd[r], dxr, dxr);
            }
        }
    }
}
