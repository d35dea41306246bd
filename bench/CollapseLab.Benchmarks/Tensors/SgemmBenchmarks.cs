using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// Square SGEMM, C = A·B, with 2 threads: managed, OpenBLAS in fixed tiles on .NET threads (the deterministic default)
/// and OpenBLAS threading one call itself. GFLOP/s = 2n³ / mean time.
/// </summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private float[] a = [];
    private float[] b = [];
    private float[] c = [];
    private IGemm gemm = null!;

    public enum Implementation
    {
        Managed,
        OpenBlasTiles,
        OpenBlasNative,
    }

    [Params(256, 512, 1024, 2048)]
    public int N { get; set; }

    [ParamsAllValues]
    public Implementation Impl { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        gemm = Impl switch
        {
            Implementation.Managed => new ManagedGemm(2),
            Implementation.OpenBlasTiles => Gemm.Create(GemmKind.OpenBlas, 2),
            _ => OpenBlasGemm.TryCreate(2, OpenBlasThreading.Native) ?? throw new InvalidOperationException("libopenblas.so.0 is missing"),
        };
        var rng = new System.Random(1);
        a = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextDouble()).ToArray();
        b = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextDouble()).ToArray();
        c = new float[N * N];
    }

    [Benchmark]
    public void Sgemm() => gemm.Sgemm(false, false, N, N, N, 1f, a, N, b, N, 0f, c, N);
}
