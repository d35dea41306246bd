using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// Sampling from the 4-layer, 128-wide character transformer with the KV cache, as lm_torch.py samples (batch 32,
/// one-token prompt, 256 new tokens, temperature 1; past 64 positions the context is cropped). tokens/s = 8192 / time.
/// </summary>
[MemoryDiagnoser]
public class SampleBenchmarks
{
    private TransformerLm lm = null!;
    private ulong seed;

    [Params(GemmKind.OpenBlas, GemmKind.Managed)]
    public GemmKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Gemm.Use(Kind, 2);
        lm = new TransformerLm(new TransformerConfig(Vocab: 65), seed: 1);
    }

    [Benchmark]
    public int[] Generate256() => new TransformerSampler(lm, 32).Generate(new int[32], 1, 256, 1f, ++seed);
}
