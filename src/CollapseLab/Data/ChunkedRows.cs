using CollapseLab.Random;

namespace CollapseLab.Data;

/// <summary>
/// Draws rows in fixed-size chunks, chunk c from its own stream <c>stream.WithChunk(c)</c>, so a large draw can use
/// several threads and still give the same bits for any thread count.
/// </summary>
public static class ChunkedRows
{
    public const int ChunkRows = 1 << 14;

    /// <summary>Fills <paramref name="destination"/> (whole rows) from <paramref name="rng"/>, which it must not keep.</summary>
    public delegate void Filler(Span<double> destination, RandomStream rng);

    /// <summary>
    /// A filler that reads its parameters from <paramref name="state"/>, so it can be a static lambda;
    /// <paramref name="firstRow"/> is the absolute index of the destination's first row.
    /// </summary>
    public delegate void Filler<in TState>(Span<double> destination, int firstRow, RandomStream rng, TState state);

    public static RowBatch Sample(int count, int dim, StreamKey stream, int threads, Filler fill) =>
        Sample(count, dim, stream, threads, fill, static (destination, _, rng, f) => f(destination, rng));

    /// <summary>
    /// The allocation-free form for per-generation sampling: e.g. a model passes itself and a static lambda, and
    /// a one-chunk draw allocates nothing but the rows.
    /// </summary>
    public static RowBatch Sample<TState>(int count, int dim, StreamKey stream, int threads, TState state, Filler<TState> fill)
    {
        // Every element is written below, so a recycled array needs no clearing.
        var values = t_spare is { } spare && spare.Length == count * dim ? spare : new double[count * dim];
        t_spare = null;
        var chunks = (count + ChunkRows - 1) / ChunkRows;
        if (chunks <= 1 || threads <= 1)
        {
            Fill(values, dim, stream, state, fill);
        }
        else
        {
            FillInParallel(values, count, dim, chunks, stream, threads, state, fill);
        }
        return new RowBatch(values, dim);
    }

    /// <summary>Fills <paramref name="destination"/> (whole rows) on this thread with the rows <see cref="Sample{TState}"/> draws.</summary>
    public static void Fill<TState>(Span<double> destination, int dim, StreamKey stream, TState state, Filler<TState> fill)
    {
        var count = destination.Length / dim;
        for (var c = 0; c * ChunkRows < count; c++)
        {
            FillChunk(destination, count, dim, c, stream, state, fill);
        }
    }

    private static void FillInParallel<TState>(double[] values, int count, int dim, int chunks, StreamKey stream, int threads, TState state, Filler<TState> fill) =>
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c => FillChunk(values, count, dim, c, stream, state, fill));

    /// <summary>Rows handed back by <see cref="Recycle"/> on this thread, for the next draw of the same size.</summary>
    [ThreadStatic]
    private static double[]? t_spare;

    /// <summary>
    /// Gives <paramref name="batch"/>'s array to this thread's next draw of the same size. Only for a batch nothing
    /// refers to any more (a chain's dropped samples once the model trained on them is gone): its rows will change.
    /// </summary>
    public static void Recycle(RowBatch batch) => t_spare = batch.Values;

    /// <summary>A stream per thread, reseeded for each chunk: a chain samples every generation, and a fresh stream
    /// object each time was a measurable share of a small generation's allocations.</summary>
    [ThreadStatic]
    private static RandomStream? t_stream;

    private static void FillChunk<TState>(Span<double> values, int count, int dim, int chunk, StreamKey stream, TState state, Filler<TState> fill)
    {
        var start = chunk * ChunkRows;
        var rows = Math.Min(ChunkRows, count - start);
        // Taken while in use, so a filler that itself samples rows gets a stream of its own.
        var rng = t_stream ?? new RandomStream(0);
        t_stream = null;
        rng.Reseed(stream.WithChunk(chunk).Hash);
        fill(values.Slice(start * dim, rows * dim), start, rng, state);
        t_stream = rng;
    }
}
