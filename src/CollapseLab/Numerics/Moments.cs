using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollapseLab.Data;

namespace CollapseLab.Numerics;

/// <summary>
/// Mean and covariance of rows, two-pass (centred) for accuracy. Large batches are summed in fixed chunks whose
/// partial sums are added in chunk order, so the result is the same bits for any thread count.
/// </summary>
public static class Moments
{
    public const int ChunkRows = 1 << 14;

    public static double[] Mean(RowBatch x, int threads)
    {
        var d = x.Dim;
        var mean = Reduce(x, threads, d, null, static (rows, _, acc) => SumRows(rows, acc.Length, acc));
        for (var j = 0; j < d; j++)
        {
            mean[j] /= x.Count;
        }
        return mean;
    }

    /// <summary>Σ = (1/(n − ddof)) Σᵢ (xᵢ−μ)(xᵢ−μ)ᵀ, row-major d×d.</summary>
    public static double[] Covariance(RowBatch x, double[] mean, int ddof, int threads)
    {
        var d = x.Dim;
        var cov = Reduce(x, threads, d * d, mean, static (rows, m, acc) => SumOuterProducts(rows, m!, acc));
        var denominator = Math.Max(x.Count - ddof, 1);
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                cov[a * d + b] /= denominator;
                cov[b * d + a] = cov[a * d + b];
            }
        }
        return cov;
    }

    /// <summary>
    /// The mean and (1/(n − ddof)) Σ (xᵢ − μ)² of n ≤ <see cref="ChunkRows"/> one-dimensional rows, without
    /// allocating: the bits of <see cref="Mean"/> and <see cref="Covariance"/> on the same rows.
    /// </summary>
    public static (double Mean, double Variance) Scalar(ReadOnlySpan<double> x, int ddof)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(x.Length, ChunkRows);
        // Sums start from 0 and divide afterwards, as Reduce and the two loops above do.
        var mean = 0.0;
        mean += Sum4<Shifted>(x, 0);
        mean /= x.Length;
        var squares = 0.0;
        squares += Sum4<Squared>(x, mean);
        return (mean, squares / Math.Max(x.Length - ddof, 1));
    }

    /// <summary>
    /// <see cref="Scalar(ReadOnlySpan{double}, int)"/> of each set of <paramref name="n"/> values back to back in
    /// <paramref name="x"/> (set s is x[s·n … (s+1)·n)), into mean[s] and variance[s], the same bits. Four sets at a
    /// time: their sums are independent, so they overlap instead of each waiting on its own last addition.
    /// </summary>
    public static void Scalar(ReadOnlySpan<double> x, int n, int ddof, Span<double> mean, Span<double> variance)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, ChunkRows);
        var sets = x.Length / n;
        var s = 0;
        for (; s + 4 <= sets; s += 4)
        {
            var four = x.Slice(s * n, 4 * n);
            var sums = Sum4x4<Shifted>(four, n, Vector256<double>.Zero);
            for (var k = 0; k < 4; k++)
            {
                var m = 0.0;
                m += sums[k];
                mean[s + k] = m / n;
            }
            var squares = Sum4x4<Squared>(four, n, Vector256.Create(mean.Slice(s, 4)));
            for (var k = 0; k < 4; k++)
            {
                var v = 0.0;
                v += squares[k];
                variance[s + k] = v / Math.Max(n - ddof, 1);
            }
        }
        for (; s < sets; s++)
        {
            (mean[s], variance[s]) = Scalar(x.Slice(s * n, n), ddof);
        }
    }

    private static void SumRows(ReadOnlySpan<double> rows, int d, Span<double> acc)
    {
        if (d == 1)
        {
            acc[0] += Sum4<Shifted>(rows, 0);
            return;
        }
        for (var i = 0; i < rows.Length; i += d)
        {
            Axpy.Add(acc, rows.Slice(i, d), 1);
        }
    }

    /// <summary>acc (lower triangle; the upper is scratch) += Σ (x−μ)(x−μ)ᵀ over the rows, in blocks of rows.</summary>
    private static void SumOuterProducts(ReadOnlySpan<double> rows, double[] mean, Span<double> acc)
    {
        var d = mean.Length;
        if (d == 1)
        {
            acc[0] += Sum4<Squared>(rows, mean[0]);
            return;
        }
        var block = new double[Gram.BlockRows * d];
        for (var start = 0; start < rows.Length; start += block.Length)
        {
            var length = Math.Min(block.Length, rows.Length - start);
            for (var i = 0; i < length; i += d)
            {
                for (var j = 0; j < d; j++)
                {
                    block[i + j] = rows[start + i + j] - mean[j];
                }
            }
            Gram.AddLower(block, length / d, d, acc);
        }
    }

    /// <summary>One term of a sum over shifted values: xᵢ − m, or (xᵢ − m)².</summary>
    private interface ITerm
    {
        static abstract Vector256<double> Of(Vector256<double> x, Vector256<double> m);

        static abstract double Of(double x, double m);
    }

    private readonly struct Shifted : ITerm
    {
        public static Vector256<double> Of(Vector256<double> x, Vector256<double> m) => x - m;

        public static double Of(double x, double m) => x - m;
    }

    private readonly struct Squared : ITerm
    {
        public static Vector256<double> Of(Vector256<double> x, Vector256<double> m)
        {
            var c = x - m;
            return c * c;
        }

        public static double Of(double x, double m)
        {
            var c = x - m;
            return c * c;
        }
    }

    /// <summary>Σ term(xᵢ, m) over four interleaved partial sums (a fixed order, so still the same bits every run): one
    /// running sum would make every addition wait for the previous one.</summary>
    private static double Sum4<T>(ReadOnlySpan<double> x, double m)
        where T : ITerm
    {
        var acc = Vector256<double>.Zero;
        var shift = Vector256.Create(m);
        ref var p = ref MemoryMarshal.GetReference(x);
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            acc += T.Of(Vector256.LoadUnsafe(ref p, (nuint)i), shift);
        }
        return Finish<T>(acc, x, i, m);
    }

    /// <summary>
    /// <see cref="Sum4{T}"/> of four sets of n values back to back in <paramref name="x"/>, with set k's shift in lane k
    /// of <paramref name="m"/>: each set adds in its own order, and the four chains of additions overlap.
    /// </summary>
    private static Vector256<double> Sum4x4<T>(ReadOnlySpan<double> x, int n, Vector256<double> m)
        where T : ITerm
    {
        var (a0, a1, a2, a3) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
        var (m0, m1, m2, m3) = (Vector256.Create(m[0]), Vector256.Create(m[1]), Vector256.Create(m[2]), Vector256.Create(m[3]));
        ref var p = ref MemoryMarshal.GetReference(x[..(4 * n)]);
        var i = 0;
        for (; i + 4 <= n; i += 4)
        {
            a0 += T.Of(Vector256.LoadUnsafe(ref p, (nuint)i), m0);
            a1 += T.Of(Vector256.LoadUnsafe(ref p, (nuint)(n + i)), m1);
            a2 += T.Of(Vector256.LoadUnsafe(ref p, (nuint)(2 * n + i)), m2);
            a3 += T.Of(Vector256.LoadUnsafe(ref p, (nuint)(3 * n + i)), m3);
        }
        return Vector256.Create(
            Finish<T>(a0, x.Slice(0, n), i, m[0]), Finish<T>(a1, x.Slice(n, n), i, m[1]),
            Finish<T>(a2, x.Slice(2 * n, n), i, m[2]), Finish<T>(a3, x.Slice(3 * n, n), i, m[3]));
    }

    /// <summary>The terms from <paramref name="i"/> on go into lane 0, then the lanes are added pairwise.</summary>
    private static double Finish<T>(Vector256<double> acc, ReadOnlySpan<double> x, int i, double m)
        where T : ITerm
    {
        var s0 = acc.GetElement(0);
        for (; i < x.Length; i++)
        {
            s0 += T.Of(x[i], m);
        }
        return (s0 + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3));
    }

    private delegate void ChunkSum(ReadOnlySpan<double> rows, double[]? mean, Span<double> acc);

    private static double[] Reduce(RowBatch x, int threads, int width, double[]? mean, ChunkSum body)
    {
        var total = new double[width];
        if (x.Count <= ChunkRows)
        {
            body(x.Span, mean, total);
            return total;
        }
        foreach (var p in ChunkPartials(x, threads, width, mean, body))
        {
            for (var k = 0; k < width; k++)
            {
                total[k] += p[k];
            }
        }
        return total;
    }

    /// <summary>Per-chunk partial sums, computed in parallel but returned in chunk order.</summary>
    private static double[][] ChunkPartials(RowBatch x, int threads, int width, double[]? mean, ChunkSum body)
    {
        var n = x.Count;
        var partials = new double[(n + ChunkRows - 1) / ChunkRows][];
        void Run(int c)
        {
            var start = c * ChunkRows;
            var count = Math.Min(ChunkRows, n - start);
            partials[c] = new double[width];
            body(x.Span.Slice(start * x.Dim, count * x.Dim), mean, partials[c]);
        }
        if (threads <= 1)
        {
            for (var c = 0; c < partials.Length; c++)
            {
                Run(c);
            }
        }
        else
        {
            Parallel.For(0, partials.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, Run);
        }
        return partials;
    }
}
