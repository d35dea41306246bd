using CollapseLab.Random;

namespace CollapseLab.Data;

/// <summary>
/// Draws rows in fixed-size chunks, chunk c from its own stream <c>stream.WithChunk(c)</c>, so a large draw can use
/// several threads and still give the same bits for any thread count.
/// </summary>
public static class ChunkedRows
{
    public const int ChunkRows = 1 << 14;

    /// <summary>Fills <paramref name="destination"/> (whole rows) from <paramref name="rng"/>.</summary>
    public delegate void Filler(Span<double> destination, RandomStream rng);

    public static RowBatch Sample(int count, int dim, StreamKey stream, int threads, Filler fill)
    {
        var values = new double[count * dim];
        var chunks = (count + ChunkRows - 1) / ChunkRows;
        if (chunks <= 1 || threads <= 1)
        {
            for (var c = 0; c < chunks; c++)
            {
                FillChunk(values, count, dim, c, stream, fill);
            }
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c => FillChunk(values, count, dim, c, stream, fill));
        }
        return new RowBatch(values, dim);
    }

    private static void FillChunk(double[] values, int count, int dim, int chunk, StreamKey stream, Filler fill)
    {
        var start = chunk * ChunkRows;
        var rows = Math.Min(ChunkRows, count - start);
        fill(values.AsSpan(start * dim, rows * dim), stream.WithChunk(chunk).Open());
    }
}
