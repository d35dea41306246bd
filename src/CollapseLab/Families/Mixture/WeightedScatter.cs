using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// The M step's second pass for one component over one block of rows:
/// S[a,b] = Σ_r resp_r (x_ra − μ_a)(x_rb − μ_b) for b ≤ a (row-major d×d, lower triangle), or only S[a,a]
/// (stored at index a) when the covariance kind needs just the diagonal.
/// </summary>
internal static class WeightedScatter
{
    /// <summary>Up to this dimension the d² accumulators are kept as 256-bit vectors (4 rows at a time).</summary>
    public const int MaxVectorDim = 64;

    public static void Accumulate(in ColumnBlock x, ReadOnlySpan<double> resp, ReadOnlySpan<double> mean, bool diagonal, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        if (!Vector256.IsHardwareAccelerated || d > MaxVectorDim)
        {
            AccumulateByDots(x, resp, mean, diagonal, destination, scratch);
            return;
        }
        var rows = x.Rows;
        ref var columns = ref MemoryMarshal.GetArrayDataReference(x.Columns);
        var acc = scratch.Accumulators.AsSpan(0, d * d);
        acc.Clear();
        Span<Vector256<double>> diff = stackalloc Vector256<double>[d];
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            var weight = Vector256.Create(resp.Slice(r, 4));
            for (var i = 0; i < d; i++)
            {
                diff[i] = Vector256.LoadUnsafe(ref columns, (nuint)(i * x.N + x.Start + r)) - Vector256.Create(mean[i]);
            }
            for (var a = 0; a < d; a++)
            {
                var w = weight * diff[a];
                if (diagonal)
                {
                    acc[a * d + a] = Vector256.FusedMultiplyAdd(w, diff[a], acc[a * d + a]);
                    continue;
                }
                for (var b = 0; b <= a; b++)
                {
                    acc[a * d + b] = Vector256.FusedMultiplyAdd(w, diff[b], acc[a * d + b]);
                }
            }
        }
        for (var a = 0; a < d; a++)
        {
            for (var b = diagonal ? a : 0; b <= a; b++)
            {
                destination[diagonal ? a : a * d + b] = Vector256.Sum(acc[a * d + b]);
            }
        }
        Span<double> e = stackalloc double[d];
        for (; r < rows; r++)
        {
            for (var i = 0; i < d; i++)
            {
                e[i] = Unsafe.Add(ref columns, i * x.N + x.Start + r) - mean[i];
            }
            for (var a = 0; a < d; a++)
            {
                var w = resp[r] * e[a];
                for (var b = diagonal ? a : 0; b <= a; b++)
                {
                    destination[diagonal ? a : a * d + b] += w * e[b];
                }
            }
        }
    }

    /// <summary>The same sums as dot products over whole columns, for large d.</summary>
    private static void AccumulateByDots(in ColumnBlock x, ReadOnlySpan<double> resp, ReadOnlySpan<double> mean, bool diagonal, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        var rows = x.Rows;
        var w = scratch.Y.AsSpan(0, rows);
        for (var a = 0; a < d; a++)
        {
            TensorPrimitives.Subtract(x.Column(a), mean[a], scratch.Diff[a].AsSpan(0, rows));
        }
        for (var a = 0; a < d; a++)
        {
            var da = scratch.Diff[a].AsSpan(0, rows);
            TensorPrimitives.Multiply(resp, da, w);
            if (diagonal)
            {
                destination[a] = TensorPrimitives.Dot<double>(w, da);
                continue;
            }
            for (var b = 0; b <= a; b++)
            {
                destination[a * d + b] = TensorPrimitives.Dot<double>(w, scratch.Diff[b].AsSpan(0, rows));
            }
        }
    }
}
