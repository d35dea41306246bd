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

    private static void SumRows(ReadOnlySpan<double> rows, int d, Span<double> acc)
    {
        if (d == 1)
        {
            var s = 0.0;
            foreach (var v in rows)
            {
                s += v;
            }
            acc[0] += s;
            return;
        }
        for (var i = 0; i < rows.Length; i += d)
        {
            for (var j = 0; j < d; j++)
            {
                acc[j] += rows[i + j];
            }
        }
    }

    /// <summary>acc (lower triangle) += Σ (x−μ)(x−μ)ᵀ over the rows.</summary>
    private static void SumOuterProducts(ReadOnlySpan<double> rows, double[] mean, Span<double> acc)
    {
        var d = mean.Length;
        if (d == 1)
        {
            var m = mean[0];
            var s = 0.0;
            foreach (var v in rows)
            {
                var c = v - m;
                s += c * c;
            }
            acc[0] += s;
            return;
        }
        Span<double> centred = stackalloc double[d];
        for (var i = 0; i < rows.Length; i += d)
        {
            for (var j = 0; j < d; j++)
            {
                centred[j] = rows[i + j] - mean[j];
            }
            for (var a = 0; a < d; a++)
            {
                var ca = centred[a];
                var row = acc.Slice(a * d, a + 1);
                for (var b = 0; b <= a; b++)
                {
                    row[b] += ca * centred[b];
                }
            }
        }
    }

    private delegate void ChunkSum(ReadOnlySpan<double> rows, double[]? mean, Span<double> acc);

    private static double[] Reduce(RowBatch x, int threads, int width, double[]? mean, ChunkSum body)
    {
        var n = x.Count;
        var chunks = Math.Max(1, (n + ChunkRows - 1) / ChunkRows);
        var total = new double[width];
        if (chunks == 1)
        {
            body(x.Values, mean, total);
            return total;
        }
        var partials = new double[chunks][];
        void Run(int c)
        {
            var start = c * ChunkRows;
            var count = Math.Min(ChunkRows, n - start);
            partials[c] = new double[width];
            body(x.Values.AsSpan(start * x.Dim, count * x.Dim), mean, partials[c]);
        }
        if (threads <= 1)
        {
            for (var c = 0; c < chunks; c++)
            {
                Run(c);
            }
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Run);
        }
        foreach (var p in partials)
        {
            for (var k = 0; k < width; k++)
            {
                total[k] += p[k];
            }
        }
        return total;
    }
}
