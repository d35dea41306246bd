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
        var partials = ForChunks(x, threads, d, (rows, acc) =>
        {
            for (var i = 0; i < rows.Length; i += d)
            {
                for (var j = 0; j < d; j++)
                {
                    acc[j] += rows[i + j];
                }
            }
        });
        var mean = new double[d];
        foreach (var p in partials)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += p[j];
            }
        }
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
        var partials = ForChunks(x, threads, d * d, (rows, acc) =>
        {
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
                    for (var b = 0; b <= a; b++)
                    {
                        acc[a * d + b] += ca * centred[b];
                    }
                }
            }
        });
        var cov = new double[d * d];
        foreach (var p in partials)
        {
            for (var k = 0; k < cov.Length; k++)
            {
                cov[k] += p[k];
            }
        }
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

    private static double[][] ForChunks(RowBatch x, int threads, int width, Action<ReadOnlySpan<double>, double[]> body)
    {
        var n = x.Count;
        var chunks = Math.Max(1, (n + ChunkRows - 1) / ChunkRows);
        var partials = new double[chunks][];
        void Run(int c)
        {
            var start = c * ChunkRows;
            var count = Math.Min(ChunkRows, n - start);
            partials[c] = new double[width];
            body(x.Values.AsSpan(start * x.Dim, count * x.Dim), partials[c]);
        }
        if (chunks == 1 || threads <= 1)
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
        return partials;
    }
}
