namespace CollapseLab.Tensors.Kernels;

/// <summary>Which GEMM implementation the ops use.</summary>
public enum GemmKind
{
    /// <summary>The faster of the two on this machine for training shapes, measured once and cached (<see cref="GemmChoice"/>).</summary>
    Auto,
    Managed,
    OpenBlas,
}

/// <summary>
/// Builds the GEMM a <see cref="Compute"/> uses. The kind comes from <c>COLLAPSELAB_GEMM=auto|managed|openblas</c>
/// (<see cref="KindFromEnvironment"/>), the thread count from whoever runs (the CLI's <c>--threads</c>).
/// </summary>
public static class Gemm
{
    public const string KindVariable = "COLLAPSELAB_GEMM";

    /// <summary>Builds a GEMM; asking for OpenBLAS when it is absent throws with the package to install.</summary>
    public static IGemm Create(GemmKind kind, int threads) => kind switch
    {
        GemmKind.Managed => new ManagedGemm(threads),
        GemmKind.OpenBlas => OpenBlasGemm.TryCreate(threads) ?? throw new InvalidOperationException(
            "OpenBLAS was requested but libopenblas.so.0 could not be loaded; install it (Debian: apt-get install libopenblas0-pthread) or use managed"),
        _ => Create(GemmChoice.Machine.Kind, threads),
    };

    public static GemmKind ParseKind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => GemmKind.Auto,
        "managed" => GemmKind.Managed,
        "openblas" => GemmKind.OpenBlas,
        _ => throw new ArgumentException($"{KindVariable}={value} is not one of auto, managed, openblas"),
    };

    /// <summary>The value of <c>COLLAPSELAB_GEMM</c> that asks for <paramref name="kind"/> (the inverse of <see cref="ParseKind"/>).</summary>
    public static string KindName(GemmKind kind) => kind switch
    {
        GemmKind.Managed => "managed",
        GemmKind.OpenBlas => "openblas",
        _ => "auto",
    };

    /// <summary>The kind <c>COLLAPSELAB_GEMM</c> asks for (auto when unset).</summary>
    public static GemmKind KindFromEnvironment() => ParseKind(Environment.GetEnvironmentVariable(KindVariable));
}
