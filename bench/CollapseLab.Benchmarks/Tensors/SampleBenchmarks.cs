using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// Sampling from the 4-layer, 128-wide character transformer with the KV cache: batch 32, a one-token prompt and 63
/// new tokens, each the row's most likely one after <see cref="TransformerSampler.Step"/>, which fills the 64-token
/// context exactly (tokens/s = 32·63 / time). Past the context every new token needs a full pass over the last 63
/// tokens, as in lm_torch.py, which has no cache at all.
/// </summary>
[MemoryDiagnoser]
public class SampleBenchmarks : PerGemmBenchmark
{
    private TransformerLm lm = null!;

    [GlobalSetup]
    public void Setup()
    {
        lm = new TransformerLm(new TransformerConfig(Vocab: 65), seed: 1);
    }

    [Benchmark]
    public int[] Generate63()
    {
        using var scope = Compute.Enter();
        var sampler = new TransformerSampler(lm, 32);
        var next = new int[32];
        var v = lm.Config.Vocab;
        for (var i = 0; i < 63; i++)
        {
            var logits = sampler.Step(next).Data;
            for (var r = 0; r < next.Length; r++)
            {
                var row = logits.Slice(r * v, v);
                next[r] = row.IndexOf(TensorPrimitives.Max(row));
            }
        }

        return next;
    }
}
