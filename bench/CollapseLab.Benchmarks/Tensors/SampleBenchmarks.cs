using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// Sampling from the 4-layer, 128-wide character transformer with the KV cache: batch 32, a one-token prompt and 63
/// new tokens, which fills the 64-token context exactly (tokens/s = 32·63 / time). Past the context every new token
/// needs a full pass over the last 63 tokens, as in lm_torch.py, which has no cache at all.
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
    public int[] Generate63() => new TransformerSampler(lm, 32).Generate(new int[32], 1, 63, 1f, ++seed);
}
