using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors;

/// <summary>
/// Where tensor work runs: the GEMM and the thread budget that matmul, linear, attention and the parallel kernels
/// use. A run makes one from its <c>--threads</c> and <c>COLLAPSELAB_GEMM</c>, each chain gets its share
/// (<see cref="WithThreads"/>), and whoever fits or samples a network enters its own with <see cref="Enter"/>.
/// Like <see cref="Autodiff.Tape.Current"/>, <see cref="Current"/> belongs to the thread that entered it, so two
/// chains on two threads never see each other's budget. Outside any scope, ops run on <see cref="Default"/>.
/// Immutable; results are the same bits for any thread count.
/// </summary>
public sealed class Compute
{
    [ThreadStatic]
    private static Compute? current;

    private Compute? serial;

    public Compute(GemmKind kind, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Kind = kind;
        Threads = threads;
        Gemm = Kernels.Gemm.Create(kind, threads);
    }

    /// <summary>
    /// What ops use when no scope is entered: the default GEMM (the faster one on this machine, as a run without
    /// COLLAPSELAB_GEMM) on one thread.
    /// </summary>
    public static Compute Default { get; } = new(GemmKind.Auto, 1);

    /// <summary>The compute entered on this thread, else <see cref="Default"/>.</summary>
    public static Compute Current => current ?? Default;

    public GemmKind Kind { get; }

    /// <summary>Threads that one op may use (GEMM tiles, attention heads, kernel pieces).</summary>
    public int Threads { get; }

    public IGemm Gemm { get; }

    /// <summary>
    /// This GEMM choice on one thread, for kernels that split their own work among threads and run one product
    /// on each (made once per compute).
    /// </summary>
    public Compute Serial => Threads == 1 ? this : serial ??= new Compute(Kind, 1);

    /// <summary>The same GEMM choice with another thread budget (this one when the budget is the same).</summary>
    public Compute WithThreads(int threads) => threads == Threads ? this : new Compute(Kind, threads);

    /// <summary>Makes this the compute of the calling thread until the scope is disposed; scopes nest.</summary>
    public Scope Enter()
    {
        var scope = new Scope(current);
        current = this;
        return scope;
    }

    /// <summary>The GEMM in use and why, for run.json: "managed(2 threads)" and, under auto, how it was chosen.</summary>
    public string Describe() => Kind == GemmKind.Auto ? $"{Gemm.Name}; {GemmChoice.Machine.Reason}" : $"{Gemm.Name}; chosen explicitly ({Kernels.Gemm.KindVariable} or the caller)";

    public override string ToString() => Gemm.Name;

    /// <summary>Restores the compute that was current before <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Compute? _previous;

        internal Scope(Compute? previous) => _previous = previous;

        public void Dispose() => current = _previous;
    }
}
