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
    /// <summary>Rows per pass: the padded centred and weighted columns of a pass stay in L1 (2·12·128 doubles at d = 10).</summary>
    private const int PassRows = 128;

    /// <summary>
    /// S = Wᵀ·E over the block's rows, with E the centred columns e_a = x_a − μ_a and W the weighted ones
    /// w_a = resp ∘ e_a. It is a GEMM whose inner dimension is the rows, register-blocked 2 × 4 entries
    /// (a, a+1) × (b … b+3): six loads feed eight FMAs, and eight independent accumulators hide the FMA latency.
    /// The rows go in passes of <see cref="PassRows"/>, each formed just before use; the accumulators are parked in
    /// <see cref="EmScratch.Tiles"/> between passes. Each entry's sum has one fixed order whatever the blocking:
    /// lane l adds rows l, l+4, … by FMA, the lanes are added as (0+1)+(2+3), then the tail rows in order. Blocks
    /// that reach past the triangle or past d read zero columns (<see cref="EmScratch"/> pads to a multiple of four)
    /// and their extra entries are not stored.
    /// </summary>
    public static void Accumulate(in ColumnBlock x, ReadOnlySpan<double> resp, ReadOnlySpan<double> mean, bool diagonal, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        var rows = x.Rows;
        var vectorRows = rows & ~3;
        var tiles = scratch.Tiles;
        Array.Clear(tiles);
        for (var from = 0; from < rows; from += PassRows)
        {
            var count = Math.Min(PassRows, rows - from);
            for (var a = 0; a < d; a++)
            {
                Centre(x.Column(a), mean[a], resp, scratch.Diff[a], scratch.Weighted[a], from, from + count);
            }
            var to = Math.Min(from + count, vectorRows);
            var t = 0;
            if (diagonal)
            {
                for (var a = 0; a < d; a += 4, t += 4)
                {
                    Diagonal4(scratch.Weighted, scratch.Diff, a, from, to, tiles.AsSpan(t, 4));
                }
                continue;
            }
            for (var a = 0; a < d; a += 2)
            {
                for (var b = 0; b <= a + 1; b += 4, t += 8)
                {
                    Tile(scratch.Weighted, a, scratch.Diff, b, from, to, tiles.AsSpan(t, 8));
                }
            }
        }
        var at = 0;
        if (diagonal)
        {
            for (var a = 0; a < d; a += 4, at += 4)
            {
                for (var i = 0; i < 4 && a + i < d; i++)
                {
                    destination[a + i] = Tail(EmKernels.Lanes(tiles[at + i]), scratch.Weighted[a + i], scratch.Diff[a + i], vectorRows, rows);
                }
            }
            return;
        }
        for (var a = 0; a < d; a += 2)
        {
            for (var b = 0; b <= a + 1; b += 4, at += 8)
            {
                for (var i = 0; i < 2; i++)
                {
                    for (var j = 0; j < 4; j++)
                    {
                        if (a + i < d && b + j <= a + i)
                        {
                            destination[(a + i) * d + b + j] = Tail(EmKernels.Lanes(tiles[at + i * 4 + j]), scratch.Weighted[a + i], scratch.Diff[b + j], vectorRows, rows);
                        }
                    }
                }
            }
        }
    }

    /// <summary>e[r] = x[r] − μ and w[r] = resp[r]·e[r] for rows [from, to): exactly rounded, so any width gives the same bits.</summary>
    private static void Centre(ReadOnlySpan<double> x, double mean, ReadOnlySpan<double> resp, double[] e, double[] w, int from, int to)
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pr = ref MemoryMarshal.GetReference(resp);
        ref var pe = ref MemoryMarshal.GetArrayDataReference(e);
        ref var pw = ref MemoryMarshal.GetArrayDataReference(w);
        var m = Vector256.Create(mean);
        var r = from;
        for (; r + 4 <= to; r += 4)
        {
            var v = Vector256.LoadUnsafe(ref px, (nuint)r) - m;
            v.StoreUnsafe(ref pe, (nuint)r);
            (Vector256.LoadUnsafe(ref pr, (nuint)r) * v).StoreUnsafe(ref pw, (nuint)r);
        }
        for (; r < to; r++)
        {
            e[r] = x[r] - mean;
            w[r] = resp[r] * e[r];
        }
    }

    /// <summary>Tiles needed for dimension d: eight accumulators per 2 × 4 block of the lower triangle.</summary>
    public static int TileCount(int d)
    {
        var count = 0;
        for (var a = 0; a < d; a += 2)
        {
            count += 8 * ((a + 2 + 3) / 4);
        }
        return Math.Max(count, (d + 3) & ~3);
    }

    /// <summary>acc[i·4 + j] += w[a+i][r]·e[b+j][r] lane-wise, rows [from, to) four at a time, for i &lt; 2, j &lt; 4.</summary>
    private static void Tile(double[][] w, int a, double[][] e, int b, int from, int to, Span<Vector256<double>> acc)
    {
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(w[a]);
        ref var w1 = ref MemoryMarshal.GetArrayDataReference(w[a + 1]);
        ref var e0 = ref MemoryMarshal.GetArrayDataReference(e[b]);
        ref var e1 = ref MemoryMarshal.GetArrayDataReference(e[b + 1]);
        ref var e2 = ref MemoryMarshal.GetArrayDataReference(e[b + 2]);
        ref var e3 = ref MemoryMarshal.GetArrayDataReference(e[b + 3]);
        Vector256<double> c00 = acc[0], c01 = acc[1], c02 = acc[2], c03 = acc[3];
        Vector256<double> c10 = acc[4], c11 = acc[5], c12 = acc[6], c13 = acc[7];
        for (var r = (nuint)from; r < (nuint)to; r += 4)
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
        acc[0] = c00; acc[1] = c01; acc[2] = c02; acc[3] = c03;
        acc[4] = c10; acc[5] = c11; acc[6] = c12; acc[7] = c13;
    }

    /// <summary>acc[i] += w[a+i][r]·e[a+i][r] lane-wise, rows [from, to) four at a time, for i &lt; 4.</summary>
    private static void Diagonal4(double[][] w, double[][] e, int a, int from, int to, Span<Vector256<double>> acc)
    {
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(w[a]);
        ref var w1 = ref MemoryMarshal.GetArrayDataReference(w[a + 1]);
        ref var w2 = ref MemoryMarshal.GetArrayDataReference(w[a + 2]);
        ref var w3 = ref MemoryMarshal.GetArrayDataReference(w[a + 3]);
        ref var e0 = ref MemoryMarshal.GetArrayDataReference(e[a]);
        ref var e1 = ref MemoryMarshal.GetArrayDataReference(e[a + 1]);
        ref var e2 = ref MemoryMarshal.GetArrayDataReference(e[a + 2]);
        ref var e3 = ref MemoryMarshal.GetArrayDataReference(e[a + 3]);
        Vector256<double> c0 = acc[0], c1 = acc[1], c2 = acc[2], c3 = acc[3];
        for (var r = (nuint)from; r < (nuint)to; r += 4)
        {
            c0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w0, r), Vector256.LoadUnsafe(ref e0, r), c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w1, r), Vector256.LoadUnsafe(ref e1, r), c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w2, r), Vector256.LoadUnsafe(ref e2, r), c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w3, r), Vector256.LoadUnsafe(ref e3, r), c3);
        }
        acc[0] = c0; acc[1] = c1; acc[2] = c2; acc[3] = c3;
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
