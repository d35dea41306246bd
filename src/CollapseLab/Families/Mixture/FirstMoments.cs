using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// The M step's first pass over one block of rows: n_k = Σ_r resp_kr and Σ_r resp_kr·x_r for every component,
/// i.e. the product Rᵀ·[X 1] whose inner dimension is the rows.
/// </summary>
internal static class FirstMoments
{
    /// <summary>
    /// counts[k] = Σ_r resp[k][r], sums[k·d + a] = Σ_r resp[k][r]·x_a[r], blocked 2 components × 2 columns so that
    /// eight loads feed eight FMAs. The count is the dot with a column of ones (FMA by 1 is the exactly rounded
    /// sum), so every entry has <see cref="EmKernels.Sum"/>'s order: two 4-lane accumulators over alternating
    /// groups of four rows, added lane-wise, the lanes as (0+1)+(2+3), then the tail rows in order. Odd counts of
    /// components or columns are padded with a zero column whose entries are not stored. <paramref name="resp"/>
    /// holds one column of N responsibilities per component, like the data, and the block picks the rows.
    /// </summary>
    public static void Accumulate(in ColumnBlock x, int d, double[] resp, int components, Span<double> counts, Span<double> sums, EmScratch scratch)
    {
        var rows = x.Rows;
        var zero = scratch.Zero.AsSpan(0, rows);
        var ones = scratch.Ones.AsSpan(0, rows);
        Span<double> tile = stackalloc double[4];
        for (var k = 0; k < components; k += 2)
        {
            var r0 = resp.AsSpan(k * x.N + x.Start, rows);
            var r1 = k + 1 < components ? resp.AsSpan((k + 1) * x.N + x.Start, rows) : zero;
            for (var a = 0; a <= d; a += 2)
            {
                var x0 = a < d ? x.Column(a) : ones;
                var x1 = a + 1 < d ? x.Column(a + 1) : a + 1 == d ? ones : zero;
                Tile(r0, r1, x0, x1, tile);
                for (var i = 0; i < 2 && k + i < components; i++)
                {
                    for (var j = 0; j < 2 && a + j <= d; j++)
                    {
                        if (a + j < d)
                        {
                            sums[(k + i) * d + a + j] = tile[i * 2 + j];
                        }
                        else
                        {
                            counts[k + i] = tile[i * 2 + j];
                        }
                    }
                }
            }
        }
    }

    /// <summary>tile[i·2 + j] = Σ_r rᵢ[r]·xⱼ[r] for i, j &lt; 2.</summary>
    private static void Tile(ReadOnlySpan<double> r0, ReadOnlySpan<double> r1, ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> tile)
    {
        var rows = r0.Length;
        ref var p0 = ref MemoryMarshal.GetReference(r0);
        ref var p1 = ref MemoryMarshal.GetReference(r1);
        ref var q0 = ref MemoryMarshal.GetReference(x0);
        ref var q1 = ref MemoryMarshal.GetReference(x1);
        Vector256<double> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector256<double> b00 = default, b01 = default, b10 = default, b11 = default;
        nuint i = 0;
        for (; i + 8 <= (nuint)rows; i += 8)
        {
            var u0 = Vector256.LoadUnsafe(ref p0, i);
            var u1 = Vector256.LoadUnsafe(ref p1, i);
            var v0 = Vector256.LoadUnsafe(ref q0, i);
            var v1 = Vector256.LoadUnsafe(ref q1, i);
            a00 = Vector256.FusedMultiplyAdd(u0, v0, a00);
            a01 = Vector256.FusedMultiplyAdd(u0, v1, a01);
            a10 = Vector256.FusedMultiplyAdd(u1, v0, a10);
            a11 = Vector256.FusedMultiplyAdd(u1, v1, a11);
            u0 = Vector256.LoadUnsafe(ref p0, i + 4);
            u1 = Vector256.LoadUnsafe(ref p1, i + 4);
            v0 = Vector256.LoadUnsafe(ref q0, i + 4);
            v1 = Vector256.LoadUnsafe(ref q1, i + 4);
            b00 = Vector256.FusedMultiplyAdd(u0, v0, b00);
            b01 = Vector256.FusedMultiplyAdd(u0, v1, b01);
            b10 = Vector256.FusedMultiplyAdd(u1, v0, b10);
            b11 = Vector256.FusedMultiplyAdd(u1, v1, b11);
        }
        if (i + 4 <= (nuint)rows)
        {
            var u0 = Vector256.LoadUnsafe(ref p0, i);
            var u1 = Vector256.LoadUnsafe(ref p1, i);
            var v0 = Vector256.LoadUnsafe(ref q0, i);
            var v1 = Vector256.LoadUnsafe(ref q1, i);
            a00 = Vector256.FusedMultiplyAdd(u0, v0, a00);
            a01 = Vector256.FusedMultiplyAdd(u0, v1, a01);
            a10 = Vector256.FusedMultiplyAdd(u1, v0, a10);
            a11 = Vector256.FusedMultiplyAdd(u1, v1, a11);
            i += 4;
        }
        var from = (int)i;
        tile[0] = Tail(EmKernels.Lanes(a00 + b00), r0, x0, from);
        tile[1] = Tail(EmKernels.Lanes(a01 + b01), r0, x1, from);
        tile[2] = Tail(EmKernels.Lanes(a10 + b10), r1, x0, from);
        tile[3] = Tail(EmKernels.Lanes(a11 + b11), r1, x1, from);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Tail(double sum, ReadOnlySpan<double> r, ReadOnlySpan<double> x, int from)
    {
        for (var i = from; i < r.Length; i++)
        {
            sum = Math.FusedMultiplyAdd(r[i], x[i], sum);
        }
        return sum;
    }
}
