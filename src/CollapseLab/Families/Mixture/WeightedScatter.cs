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
    /// <summary>
    /// S = Wᵀ·E over the block's rows, with E the centred columns e_a = x_a − μ_a and W the weighted ones
    /// w_a = resp ∘ e_a. It is a GEMM whose inner dimension is the rows, register-blocked 2 × 4 entries
    /// (a, a+1) × (b … b+3): six loads feed eight FMAs, and eight independent accumulators hide the FMA latency.
    /// Each entry's sum has one fixed order whatever the blocking: lane l adds rows l, l+4, … by FMA, the lanes are
    /// added as (0+1)+(2+3), then the tail rows in order. Blocks that reach past the triangle or past d read zero
    /// columns (<see cref="EmScratch"/> pads to a multiple of four) and their extra entries are not stored.
    /// </summary>
    public static void Accumulate(in ColumnBlock x, ReadOnlySpan<double> resp, ReadOnlySpan<double> mean, bool diagonal, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        var rows = x.Rows;
        for (var a = 0; a < d; a++)
        {
            var e = scratch.Diff[a].AsSpan(0, rows);
            TensorPrimitives.Subtract(x.Column(a), mean[a], e);
            TensorPrimitives.Multiply(resp, e, scratch.Weighted[a].AsSpan(0, rows));
        }
        Span<double> tile = stackalloc double[8];
        if (diagonal)
        {
            // Four diagonal entries at a time: S[a+i, a+i] for i < 4.
            for (var a = 0; a < d; a += 4)
            {
                Dots4(scratch.Weighted, a, a + 1, a + 2, a + 3, scratch.Diff, a, a + 1, a + 2, a + 3, rows, tile);
                for (var i = 0; i < 4 && a + i < d; i++)
                {
                    destination[a + i] = tile[i];
                }
            }
            return;
        }
        for (var a = 0; a < d; a += 2)
        {
            for (var b = 0; b <= a + 1; b += 4)
            {
                Tile(scratch.Weighted, a, scratch.Diff, b, rows, tile);
                for (var i = 0; i < 2; i++)
                {
                    for (var j = 0; j < 4; j++)
                    {
                        if (a + i < d && b + j <= a + i)
                        {
                            destination[(a + i) * d + b + j] = tile[i * 4 + j];
                        }
                    }
                }
            }
        }
    }

    /// <summary>tile[i·4 + j] = Σ_r w[a+i][r]·e[b+j][r] for i &lt; 2, j &lt; 4.</summary>
    private static void Tile(double[][] w, int a, double[][] e, int b, int rows, Span<double> tile)
    {
        var vectorRows = rows & ~3;
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(w[a]);
        ref var w1 = ref MemoryMarshal.GetArrayDataReference(w[a + 1]);
        ref var e0 = ref MemoryMarshal.GetArrayDataReference(e[b]);
        ref var e1 = ref MemoryMarshal.GetArrayDataReference(e[b + 1]);
        ref var e2 = ref MemoryMarshal.GetArrayDataReference(e[b + 2]);
        ref var e3 = ref MemoryMarshal.GetArrayDataReference(e[b + 3]);
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
        for (nuint r = 0; r < (nuint)vectorRows; r += 4)
        {
            var v0 = Vector256.LoadUnsafe(ref e0, r);
            var v1 = Vector256.LoadUnsafe(ref e1, r);
            var v2 = Vector256.LoadUnsafe(ref e2, r);
            var v3 = Vector256.LoadUnsafe(ref e3, r);
            var u = Vector256.LoadUnsafe(ref w0, r);
            c00 = Vector256.FusedMultiplyAdd(u, v0, c00);
            c01 = Vector256.FusedMultiplyAdd(u, v1, c01);
            c02 = Vector256.FusedMultiplyAdd(u, v2, c02);
            c03 = Vector256.FusedMultiplyAdd(u, v3, c03);
            u = Vector256.LoadUnsafe(ref w1, r);
            c10 = Vector256.FusedMultiplyAdd(u, v0, c10);
            c11 = Vector256.FusedMultiplyAdd(u, v1, c11);
            c12 = Vector256.FusedMultiplyAdd(u, v2, c12);
            c13 = Vector256.FusedMultiplyAdd(u, v3, c13);
        }
        tile[0] = Tail(EmKernels.Lanes(c00), w[a], e[b], vectorRows, rows);
        tile[1] = Tail(EmKernels.Lanes(c01), w[a], e[b + 1], vectorRows, rows);
        tile[2] = Tail(EmKernels.Lanes(c02), w[a], e[b + 2], vectorRows, rows);
        tile[3] = Tail(EmKernels.Lanes(c03), w[a], e[b + 3], vectorRows, rows);
        tile[4] = Tail(EmKernels.Lanes(c10), w[a + 1], e[b], vectorRows, rows);
        tile[5] = Tail(EmKernels.Lanes(c11), w[a + 1], e[b + 1], vectorRows, rows);
        tile[6] = Tail(EmKernels.Lanes(c12), w[a + 1], e[b + 2], vectorRows, rows);
        tile[7] = Tail(EmKernels.Lanes(c13), w[a + 1], e[b + 3], vectorRows, rows);
    }

    /// <summary>tile[i] = Σ_r w[aᵢ][r]·e[bᵢ][r] for four independent pairs, in the same order as <see cref="Tile"/>.</summary>
    private static void Dots4(double[][] w, int a0, int a1, int a2, int a3, double[][] e, int b0, int b1, int b2, int b3, int rows, Span<double> tile)
    {
        var vectorRows = rows & ~3;
        ref var wa0 = ref MemoryMarshal.GetArrayDataReference(w[a0]);
        ref var wa1 = ref MemoryMarshal.GetArrayDataReference(w[a1]);
        ref var wa2 = ref MemoryMarshal.GetArrayDataReference(w[a2]);
        ref var wa3 = ref MemoryMarshal.GetArrayDataReference(w[a3]);
        ref var eb0 = ref MemoryMarshal.GetArrayDataReference(e[b0]);
        ref var eb1 = ref MemoryMarshal.GetArrayDataReference(e[b1]);
        ref var eb2 = ref MemoryMarshal.GetArrayDataReference(e[b2]);
        ref var eb3 = ref MemoryMarshal.GetArrayDataReference(e[b3]);
        Vector256<double> c0 = default, c1 = default, c2 = default, c3 = default;
        for (nuint r = 0; r < (nuint)vectorRows; r += 4)
        {
            c0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wa0, r), Vector256.LoadUnsafe(ref eb0, r), c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wa1, r), Vector256.LoadUnsafe(ref eb1, r), c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wa2, r), Vector256.LoadUnsafe(ref eb2, r), c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wa3, r), Vector256.LoadUnsafe(ref eb3, r), c3);
        }
        tile[0] = Tail(EmKernels.Lanes(c0), w[a0], e[b0], vectorRows, rows);
        tile[1] = Tail(EmKernels.Lanes(c1), w[a1], e[b1], vectorRows, rows);
        tile[2] = Tail(EmKernels.Lanes(c2), w[a2], e[b2], vectorRows, rows);
        tile[3] = Tail(EmKernels.Lanes(c3), w[a3], e[b3], vectorRows, rows);
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
