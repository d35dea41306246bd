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
        mean += Sum4(x, 0);
        mean /= x.Length;
        var squares = 0.0;
        squares += SumSquares4(x, mean);
        return (mean, squares / Math.Max(x.Length - ddof, 1));
    }

    private static void SumRows(ReadOnlySpan<double> rows, int d, Span<double> acc)
    {
        if (d == 1)
        {
            acc[0] += Sum4(rows, 0);
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
            acc[0] += SumSquares4(rows, mean[0]);
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

    /// <summary>Σ xᵢ over four interleaved partial sums (a fixed order, so still the same bits every run): one
    /// running sum would make every addition wait for the previous one.</summary>
    private static double Sum4(ReadOnlySpan<double> x, double shift)
    {
        var acc = Vector256<double>.Zero;
        var m = Vector256.Create(shift);
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            acc += Vector256.Create(x.Slice(i, 4)) - m;
        }
        var s0 = acc.GetElement(0);
        for (; i < x.Length; i++)
        {
            s0 += x[i] - shift;
        }
        return (s0 + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3));
    }

    /// <summary>Σ (xᵢ − m)² over four interleaved partial sums.</summary>
    private static double SumSquares4(ReadOnlySpan<double> x, double m)
    {
        var acc = Vector256<double>.Zero;
        var mean = Vector256.Create(m);
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            var c = Vector256.Create(x.Slice(i, 4)) - mean;
            acc += c * c;
        }
        var s0 = acc.GetElement(0);
        for (; i < x.Length; i++)
        {
            var c = x[i] - m;
            s0 += c * c;
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
