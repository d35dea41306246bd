using BenchmarkDotNet.Attributes;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// One training step of the peers' models with 2 threads: the 784-400-20 VAE at batch 128 (images/s = 128 / time)
/// and the 4-layer, 4-head, 128-wide character transformer, context 64, batch 32, vocab 65 (tokens/s = 2048 / time).
/// Inputs are synthetic: speed does not depend on the pixel or token values.
/// </summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks : PerGemmBenchmark
{
    private const int VaeBatch = 128;
    private const int B = 32;
    private const int T = 64;

    private Vae vae = null!;
    private Adam vaeOptimizer = null!;
    private Tensor images = null!;
    private TransformerLm lm = null!;
    private Adam lmOptimizer = null!;
    private int[] idx = [];
    private int[] targets = [];
    private ulong step;

    [GlobalSetup]
    public void Setup()
    {
        vae = new Vae(new VaeConfig(), seed: 1);
        vaeOptimizer = new Adam(vae.Parameters, 1e-3f);
        var rng = new System.Random(1);
        images = Tensor.FromArray(Enumerable.Range(0, VaeBatch * 784).Select(_ => (float)rng.NextDouble()).ToArray(), VaeBatch, 784);
        lm = new TransformerLm(new TransformerConfig(Vocab: 65), seed: 1);
        lmOptimizer = Adam.W(lm.Parameters, 1e-3f, 0.9f, 0.99f, weightDecay: 0.1f);
        var tokens = Enumerable.Range(0, (B * T) + 1).Select(_ => rng.Next(65)).ToArray();
        idx = tokens[..(B * T)];
        targets = tokens[1..];
    }

    [Benchmark]
    public float VaeStep()
    {
        using var scope = Compute.Enter();
        return vae.TrainStep(vaeOptimizer, images, ++step);
    }

    [Benchmark]
    public float TransformerStep()
    {
        using var scope = Compute.Enter();
        return lm.TrainStep(lmOptimizer, idx, targets, B, T, clip: 1f);
    }
}
