namespace CollapseLab.Tensors.Kernels;

/// <summary>Which GEMM implementation the ops use.</summary>
public enum GemmKind
{
    /// <summary>OpenBLAS when it loads, else managed.</summary>
    Auto,
    Managed,
    OpenBlas,
}

/// <summary>
/// Chooses the GEMM used by matmul, linear and batched matmul. The default comes from the environment:
/// <c>COLLAPSELAB_GEMM=auto|managed|openblas</c> and <c>COLLAPSELAB_THREADS=n</c> (default: processor count).
/// <see cref="Use(GemmKind, int)"/> overrides it for the whole process.
/// </summary>
public static class Gemm
{
    public const string KindVariable = "COLLAPSELAB_GEMM";
    public const string ThreadsVariable = "COLLAPSELAB_THREADS";

    private static IGemm? current;

    /// <summary>Threads used by GEMM and by the parallel kernels (attention).</summary>
    public static int Threads { get; private set; } = ThreadsFromEnvironment();

    public static IGemm Current => current ??= Create(KindFromEnvironment(), Threads);

    /// <summary>Switches every op to <paramref name="kind"/> with <paramref name="threads"/> threads.</summary>
    public static IGemm Use(GemmKind kind, int threads)
    {
        Threads = threads;
        current = Create(kind, threads);
        return current;
    }

    /// <summary>Builds a GEMM; asking for OpenBLAS when it is absent throws with the package to install.</summary>
    public static IGemm Create(GemmKind kind, int threads) => kind switch
    {
        GemmKind.Managed => new ManagedGemm(threads),
        GemmKind.OpenBlas => OpenBlasGemm.TryCreate(threads) ?? throw new InvalidOperationException(
            "OpenBLAS was requested but libopenblas.so.0 could not be loaded; install it (Debian: apt-get install libopenblas0-pthread) or use managed"),
        _ => (IGemm?)OpenBlasGemm.TryCreate(threads) ?? new ManagedGemm(threads),
    };

    public static GemmKind ParseKind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => GemmKind.Auto,
        "managed" => GemmKind.Managed,
        "openblas" => GemmKind.OpenBlas,
        _ => throw new ArgumentException($"{KindVariable}={value} is not one of auto, managed, openblas"),
    };

    private static GemmKind KindFromEnvironment() => ParseKind(Environment.GetEnvironmentVariable(KindVariable));

    private static int ThreadsFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return Environment.ProcessorCount;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new ArgumentException($"{ThreadsVariable}={value} must be a positive integer");
    }
}
