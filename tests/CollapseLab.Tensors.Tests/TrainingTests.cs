using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models;
using CollapseLab.Tensors.Tests.Support;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Tensors.Tests;

[Collection(GlobalGemmCollection.Name)]
public class TrainingTests
{
    private static ParameterBlock OneParameter(float value, float grad)
    {
        var p = new ParameterBlock([("w", [1])]);
        p.Data[0] = value;
        p.Gradient[0] = grad;
        return p;
    }

    [Fact]
    public void Sgd_momentum_follows_the_pytorch_recurrence()
    {
        var p = OneParameter(1f, 0.5f);
        var sgd = new Sgd(p, learningRate: 0.1f, momentum: 0.9f);
        sgd.Step(); // buf = 0.5; w = 1 − 0.05
        Assert.Equal(0.95f, p.Data[0], 6);
        sgd.Step(); // buf = 0.9·0.5 + 0.5 = 0.95; w = 0.95 − 0.095
        Assert.Equal(0.855f, p.Data[0], 6);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate()
    {
        var p = OneParameter(1f, 3f);
        new Adam(p, learningRate: 0.01f).Step();
        Assert.Equal(0.99f, p.Data[0], 5);
    }

    [Fact]
    public void AdamW_decays_only_matrices_by_default()
    {
        var p = new ParameterBlock([("w", [1, 1]), ("b", [1])]);
        p.Data[0] = 2f;
        p.Data[1] = 2f;
        Adam.W(p, learningRate: 0.1f, weightDecay: 0.5f).Step();
        Assert.Equal(2f * (1f - 0.05f), p.Data[0], 6);
        Assert.Equal(2f, p.Data[1]);
    }

    [Fact]
    public void Clipping_scales_to_the_max_norm_and_returns_the_old_norm()
    {
        var p = new ParameterBlock([("a", [2])]);
        p.Gradient[0] = 3f;
        p.Gradient[1] = 4f;
        Assert.Equal(5f, TrainingUtilities.ClipGradNorm(p, 1f), 5);
        Assert.Equal(0.6f, p.Gradient[0], 5);
        Assert.Equal(0.8f, p.Gradient[1], 5);
        Assert.Equal(1f, TrainingUtilities.ClipGradNorm(p, 2f), 5);
        Assert.Equal(0.6f, p.Gradient[0], 5);
    }

    [Fact]
    public void Warmup_then_cosine_schedule()
    {
        Assert.Equal(0.1f, TrainingUtilities.WarmupCosine(0, 1f, 0.1f, 10, 110), 5);
        Assert.Equal(1f, TrainingUtilities.WarmupCosine(9, 1f, 0.1f, 10, 110), 5);
        Assert.Equal(0.55f, TrainingUtilities.WarmupCosine(60, 1f, 0.1f, 10, 110), 5);
        Assert.Equal(0.1f, TrainingUtilities.WarmupCosine(500, 1f, 0.1f, 10, 110), 5);
    }

    [Fact]
    public void Initialisers_are_seeded_and_have_the_right_scale()
    {
        var a = Tensor.Zeros(200, 100);
        var b = Tensor.Zeros(200, 100);
        Init.KaimingNormal(a, 5);
        Init.KaimingNormal(b, 5);
        Assert.Equal(a.ToArray(), b.ToArray());
        var std = Math.Sqrt(a.ToArray().Select(v => (double)v * v).Average());
        Assert.InRange(std, Math.Sqrt(2.0 / 100) * 0.97, Math.Sqrt(2.0 / 100) * 1.03);
        Init.XavierUniform(b, 6);
        var bound = Math.Sqrt(6.0 / 300);
        Assert.All(b.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.NotEqual(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void Transformer_step_is_bit_identical_for_one_and_two_threads()
    {
        float[] Run(int threads)
        {
            using var compute = new Compute(GemmKind.Managed, threads).Enter();
            var lm = new TransformerLm(new TransformerConfig(Vocab: 13, Layers: 2, Heads: 2, Channels: 32, Context: 16), seed: 7);
            var opt = Adam.W(lm.Parameters, 1e-3f);
            var idx = Enumerable.Range(0, 4 * 16).Select(i => (i * 7) % 13).ToArray();
            var tgt = idx.Select(i => (i + 1) % 13).ToArray();
            lm.TrainStep(opt, idx, tgt, 4, 16);
            lm.TrainStep(opt, idx, tgt, 4, 16);
            return lm.Parameters.Data;
        }

        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void Vae_learns_on_a_tiny_batch()
    {
        var vae = new Vae(new VaeConfig(Inputs: 16, Hidden: 32, Latent: 2), seed: 1);
        var opt = new Adam(vae.Parameters, 1e-2f);
        var x = Tensor.Zeros(8, 16);
        for (var i = 0; i < x.Length; i++)
        {
            x.Data[i] = (i / 16 + i) % 3 == 0 ? 1f : 0f;
        }

        var first = vae.TrainStep(opt, x, 0);
        var last = 0f;
        for (var s = 1; s < 200; s++)
        {
            last = vae.TrainStep(opt, x, (ulong)s);
        }

        Assert.True(last < 0.6f * first, $"loss {first} -> {last}");
        var images = vae.Sample(5, 9);
        Assert.Equal([5, 16], images.Shape.ToArray());
        Assert.All(images.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }
}
