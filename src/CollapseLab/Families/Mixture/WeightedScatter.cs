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
    /// <summary>
    /// The centred columns e_a = x_a − μ_a and weighted columns w_a = resp ∘ e_a are formed once; then each output
    /// row a is filled four entries (b, b+1, b+2, b+3) at a time, with their four vector accumulators in registers
    /// over the block's rows (4 rows per step), and each accumulator's lanes added in a fixed order.
    /// </summary>
    public static void Accumulate(in ColumnBlock x, ReadOnlySpan<double> resp, ReadOnlySpan<double> mean, bool diagonal, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        var rows = x.Rows;
        var vectorRows = rows & ~3;
        for (var a = 0; a < d; a++)
        {
            var column = x.Column(a);
            var e = scratch.Diff[a].AsSpan(0, rows);
            var w = scratch.Weighted[a].AsSpan(0, rows);
            for (var r = 0; r < rows; r++)
            {
                e[r] = column[r] - mean[a];
                w[r] = resp[r] * e[r];
            }
        }
        for (var a = 0; a < d; a++)
        {
            ref var wa = ref MemoryMarshal.GetArrayDataReference(scratch.Weighted[a]);
            var first = diagonal ? a : 0;
            var b = first;
            for (; b + 4 <= a + 1; b += 4)
            {
                ref var e0 = ref MemoryMarshal.GetArrayDataReference(scratch.Diff[b]);
                ref var e1 = ref MemoryMarshal.GetArrayDataReference(scratch.Diff[b + 1]);
                ref var e2 = ref MemoryMarshal.GetArrayDataReference(scratch.Diff[b + 2]);
                ref var e3 = ref MemoryMarshal.GetArrayDataReference(scratch.Diff[b + 3]);
                var acc0 = Vector256<double>.Zero;
                var acc1 = Vector256<double>.Zero;
                var acc2 = Vector256<double>.Zero;
                var acc3 = Vector256<double>.Zero;
                for (nuint r = 0; r < (nuint)vectorRows; r += 4)
                {
                    var wv = Vector256.LoadUnsafe(ref wa, r);
                    acc0 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref e0, r), acc0);
                    acc1 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref e1, r), acc1);
                    acc2 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref e2, r), acc2);
                    acc3 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref e3, r), acc3);
                }
                destination[a * d + b] = Tail(EmKernels.Lanes(acc0), scratch.Weighted[a], scratch.Diff[b], vectorRows, rows);
                destination[a * d + b + 1] = Tail(EmKernels.Lanes(acc1), scratch.Weighted[a], scratch.Diff[b + 1], vectorRows, rows);
                destination[a * d + b + 2] = Tail(EmKernels.Lanes(acc2), scratch.Weighted[a], scratch.Diff[b + 2], vectorRows, rows);
                destination[a * d + b + 3] = Tail(EmKernels.Lanes(acc3), scratch.Weighted[a], scratch.Diff[b + 3], vectorRows, rows);
            }
            for (; b <= a; b++)
            {
                ref var eb = ref MemoryMarshal.GetArrayDataReference(scratch.Diff[b]);
                var acc = Vector256<double>.Zero;
                for (nuint r = 0; r < (nuint)vectorRows; r += 4)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wa, r), Vector256.LoadUnsafe(ref eb, r), acc);
                }
                destination[diagonal ? a : a * d + b] = Tail(EmKernels.Lanes(acc), scratch.Weighted[a], scratch.Diff[b], vectorRows, rows);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Tail(double sum, double[] w, double[] e, int from, int rows)
    {
        for (var r = from; r < rows; r++)
        {
            sum = Math.FusedMultiplyAdd(w[r], e[r], sum);
        }
        return sum;
    }
}
