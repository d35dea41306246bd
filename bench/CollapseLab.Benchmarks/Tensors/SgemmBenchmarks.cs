using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>Square SGEMM, C = A·B, managed against OpenBLAS with 2 threads. GFLOP/s = 2n³ / time.</summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private float[] a = [];
    private float[] b = [];
    private float[] c = [];
    private IGemm gemm = null!;

    [Params(256, 512, 1024, 2048)]
    public int N { get; set; }

    [Params(GemmKind.Managed, GemmKind.OpenBlas)]
    public GemmKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        gemm = Gemm.Create(Kind, 2);
        var rng = new Random(1);
        a = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextDouble()).ToArray();
        b = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextDouble()).ToArray();
        c = new float[N * N];
    }

    [Benchmark]
    public void Sgemm() => gemm.Sgemm(false, false, N, N, N, 1f, a, N, b, N, 0f, c, N);
}
