namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Runs independent pieces of work on up to <see cref="Compute.Threads"/> threads of the calling thread's compute.
/// Kernels split their work into pieces whose boundaries depend only on the shapes, never on the thread count, so
/// results are the same for any count.
/// </summary>
internal static class Parallelism
{
    /// <summary>Calls body(i) for i in [0, count), in parallel when there is enough work to share.</summary>
    public static void For(int count, long workPerPiece, Action<int> body)
    {
        var threads = Compute.Current.Threads;
        if (threads == 1 || count == 1 || workPerPiece * count < 32_768)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    /// <summary>Splits n items into pieces of a fixed size (the last may be short); returns the piece count.</summary>
    public static int Pieces(int n, int pieceSize) => (n + pieceSize - 1) / pieceSize;
}
