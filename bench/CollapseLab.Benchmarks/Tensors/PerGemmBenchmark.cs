using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>A benchmark measured once per GEMM implementation, each on a two-thread compute context.</summary>
public abstract class PerGemmBenchmark
{
    private Compute? _compute;

    [Params(GemmKind.OpenBlas, GemmKind.Managed)]
    public GemmKind Kind { get; set; }

    protected Compute Compute => _compute ??= new Compute(Kind, 2);
}
