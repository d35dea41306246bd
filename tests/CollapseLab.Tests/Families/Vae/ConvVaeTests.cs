using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Families.Neural;
using CollapseLab.Families.Vae;
using CollapseLab.Random;
using CollapseLab.Specs;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;

namespace CollapseLab.Tests.Families.Vae;

public class ConvVaeTests
{
    static ConvVaeTests() => Environment.SetEnvironmentVariable("COLLAPSELAB_CACHE", TestSpecs.TempDirectory());

    private static (VaeFamily Family, RowBatch Pool) Setup(int steps)
    {
        var spec = TestSpecs.Load(VaeTestData.Spec("  encoder: conv\n  channels: 4"), $"model.steps={steps}");
        return ((VaeFamily)spec.Arms[0].Family, (RowBatch)spec.Arms[0].Data.Pool(spec.Seed, 0));
    }

    private static VaeModel Fit(VaeFamily family, RowBatch pool, int threads = 2) =>
        (VaeModel)family.Fit(pool, new FitContext(0, new StreamKey(1, 0, 0, Purpose.Fit), threads, null, null, pool));

    private static double Loss(VaeModel model, VaeFamily family, RowBatch pool)
    {
        using var scope = Tape.NoGrad();
        var x = Tensor.FromArray(pool.Values.Select(v => (float)v).ToArray(), pool.Count, pool.Dim);
        return VaeTrainer.Loss(model.Network, x, family.Options, 7, training: false).Item() / pool.Count;
    }

    [Fact]
    public void A_conv_vae_has_conv_layers_and_training_reduces_its_loss()
    {
        var (family, pool) = Setup(1);
        var untrained = Fit(family, pool);
        Assert.Equal([8, 4, 3, 3], untrained.Network.Parameters["enc2.weight"].Shape.ToArray());
        var trained = Fit(Setup(300).Family, pool);
        var (before, after) = (Loss(untrained, family, pool), Loss(trained, family, pool));
        Assert.True(after < 0.8 * before, $"loss per image {before} → {after}");
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits_and_a_saved_model_samples_the_same()
    {
        var (family, pool) = Setup(20);
        var (a, b) = (Fit(family, pool, 1), Fit(family, pool, 2));
        Assert.Equal(a.Network.Parameters.Data, b.Network.Parameters.Data);
        var path = Path.Combine(TestSpecs.TempDirectory(), "conv.safetensors");
        a.Save(path);
        var key = new StreamKey(2, 0, 0, Purpose.Sample);
        Assert.Equal(((RowBatch)a.Sample(30, key, 1)).Values, ((RowBatch)VaeModel.Load(path).Sample(30, key, 2)).Values);
    }

    [Theory]
    [InlineData("data: { source: grid }\nmodel: { family: vae, encoder: conv }", "encoder")]
    [InlineData("data: { source: fashion-mnist, train: 128, test: 128 }\nmodel: { family: vae, channels: 8 }", "channels")]
    public void Bad_conv_settings_are_refused_naming_the_key(string yaml, string key)
    {
        var e = Assert.Throws<SpecException>(() => TestSpecs.Load("generations: 1\n" + yaml));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
