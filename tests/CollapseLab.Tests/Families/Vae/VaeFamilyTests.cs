using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Families.Neural;
using CollapseLab.Families.Vae;
using CollapseLab.Random;
using CollapseLab.Running;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;

namespace CollapseLab.Tests.Families.Vae;

public class VaeFamilyTests
{
    static VaeFamilyTests() => Environment.SetEnvironmentVariable("COLLAPSELAB_CACHE", TestSpecs.TempDirectory());

    private static (VaeFamily Family, RowBatch Pool) Setup(params string[] overrides)
    {
        var spec = TestSpecs.Load(VaeTestData.Spec(), overrides);
        var arm = spec.Arms[0];
        return ((VaeFamily)arm.Family, (RowBatch)arm.Data.Pool(spec.Seed, 0));
    }

    private static VaeFamily With(VaeFamily family, Func<NeuralTraining, NeuralTraining> change) =>
        family with { Options = family.Options with { Training = change(family.Options.Training) } };

    private static VaeFamily Steps(VaeFamily family, int steps) => With(family, t => t with { Budget = new TrainingBudget(steps, 0) });

    private static VaeModel Fit(VaeFamily family, RowBatch pool, ulong seed = 1, int generation = 0) =>
        (VaeModel)family.Fit(pool, new FitContext(generation, new StreamKey(seed, 0, generation, Purpose.Fit), 2, null, null, pool));

    /// <summary>Negative ELBO per image on the pool with a fixed ε.</summary>
    private static double Loss(VaeModel model, VaeFamily family, RowBatch pool)
    {
        using var scope = Tape.NoGrad();
        var x = Tensor.FromArray(pool.Values.Select(v => (float)v).ToArray(), pool.Count, pool.Dim);
        return VaeTrainer.Loss(model.Network, x, family.Options, 7, training: false).Item() / pool.Count;
    }

    [Fact]
    public void Training_reduces_the_loss()
    {
        var (family, pool) = Setup();
        var untrained = Fit(Steps(family, 1), pool);
        var trained = Fit(Steps(family, 300), pool);
        var (before, after) = (Loss(untrained, family, pool), Loss(trained, family, pool));
        Assert.True(after < 0.8 * before, $"loss per image {before} → {after}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_bits_and_another_seed_does_not()
    {
        var (plain, pool) = Setup("model.dropout=0.1");
        var family = plain with { Options = plain.Options with { Shift = 1 } };
        var a = (RowBatch)Fit(family, pool, generation: 1).Sample(2000, new StreamKey(5, 0, 1, Purpose.Sample), 1);
        var b = (RowBatch)Fit(family, pool, generation: 1).Sample(2000, new StreamKey(5, 0, 1, Purpose.Sample), 4);
        var c = (RowBatch)Fit(family, pool, seed: 2, generation: 1).Sample(2000, new StreamKey(5, 0, 1, Purpose.Sample), 1);
        Assert.Equal(a.Values, b.Values);
        Assert.NotEqual(a.Values, c.Values);
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("draw")]
    public void A_checkpoint_reloads_and_resamples_to_the_same_bits(string mode)
    {
        var (family, pool) = Setup($"model.sample={mode}");
        var model = Fit(family, pool);
        var path = Path.Combine(TestSpecs.TempDirectory(), "gen.safetensors");
        model.Save(path);
        var loaded = VaeModel.Load(path);
        var key = new StreamKey(9, 1, 3, Purpose.Sample);
        Assert.Equal(((RowBatch)model.Sample(1500, key, 2)).Values, ((RowBatch)loaded.Sample(1500, key, 2)).Values);
    }

    [Fact]
    public void Bernoulli_draws_are_binary_and_gaussian_draws_stay_in_the_unit_interval()
    {
        var (family, pool) = Setup("model.sample=draw");
        var binary = (RowBatch)Fit(family, pool).Sample(200, new StreamKey(1, 0, 0, Purpose.Sample), 1);
        Assert.All(binary.Values, v => Assert.True(v is 0 or 1));
        var (gaussian, _) = Setup("model.sample=draw", "model.decoder=gaussian");
        var grey = (RowBatch)Fit(gaussian, pool).Sample(200, new StreamKey(1, 0, 0, Purpose.Sample), 1);
        Assert.All(grey.Values, v => Assert.InRange(v, 0, 1));
        Assert.Contains(grey.Values, v => v is > 0 and < 1);
    }

    [Fact]
    public void Early_stopping_records_a_finite_validation_loss()
    {
        var (family, pool) = Setup();
        var model = Fit(With(family, t => t with { EarlyStopping = new EarlyStopping(null, 1, 50), Budget = new TrainingBudget(0, 20) }), pool);
        Assert.True(double.IsFinite(model.Report.ValidationLoss));
        Assert.InRange(model.Report.Steps, 1, 20 * 11);
    }

    [Fact]
    public void Fine_tuning_from_model0_starts_from_its_weights()
    {
        var (family, pool) = Setup("model.init=model0", "model.steps=1", "model.learning_rate=1e-9");
        var model0 = Fit(With(Steps(family, 100), t => t with { Init = NeuralInit.Scratch }), pool);
        var tuned = (VaeModel)family.Fit(pool, new FitContext(1, new StreamKey(1, 0, 1, Purpose.Fit), 2, model0, model0, pool));
        var key = new StreamKey(4, 0, 0, Purpose.Sample);
        var (a, b) = (((RowBatch)model0.Sample(50, key, 1)).Values, ((RowBatch)tuned.Sample(50, key, 1)).Values);
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 1e-3);
    }

    [Fact]
    public void A_chain_runs_with_every_image_metric_finite()
    {
        var spec = TestSpecs.Load(VaeTestData.Spec(), "model.init=previous", "model.steps=400");
        var results = TestSpecs.Run(spec);
        foreach (var metric in spec.Metrics)
        {
            for (var g = 0; g <= spec.Generations; g++)
            {
                var v = TestSpecs.Column(spec, results, spec.Arms[0].Name, metric.Name, g)[0];
                Assert.True(double.IsFinite(v), $"{metric.Name} at generation {g} is {v}");
            }
        }
        var classifier = CollapseLab.Metrics.Images.ImageClassifier.For((CollapseLab.Data.Images.ImageData)spec.Arms[0].Data, spec.Seed);
        Assert.True(classifier.TestAccuracy > 0.95, $"classifier accuracy {classifier.TestAccuracy}");
        // The three classes are easy: generation 0 should produce all of them.
        Assert.Equal(3, TestSpecs.Column(spec, results, spec.Arms[0].Name, "classes_present", 0)[0]);
    }

    [Fact]
    public void A_run_saves_every_generation_and_each_reloads_to_the_same_samples()
    {
        var spec = TestSpecs.Load(VaeTestData.Spec("  save_models: true"));
        var session = RunSession.Start(spec, TestSpecs.TempDirectory(), 2);
        Assert.True(session.Execute(CancellationToken.None));
        var directory = session.Folder.ModelDirectory(0);
        var files = Directory.GetFiles(directory, "*.safetensors").Order(StringComparer.Ordinal).Select(Path.GetFileName).ToArray();
        Assert.Equal(Enumerable.Range(0, spec.Generations + 1).Select(g => $"gen{g:D3}.safetensors"), files);
        var (family, pool) = Setup();
        var model0 = Fit(family, pool, seed: 0);
        var key = new StreamKey(1, 0, 0, Purpose.Sample);
        var reloaded = (VaeModel)family.LoadModel(Path.Combine(directory, family.ModelFile(0)), pool);
        // Generation 0 of the run fitted the same pool with the run's stream (seed 3).
        var direct = (VaeModel)family.Fit(pool, new FitContext(0, new StreamKey(3, 0, 0, Purpose.Fit), 2, null, null, pool));
        Assert.Equal(((RowBatch)direct.Sample(100, key, 1)).Values, ((RowBatch)reloaded.Sample(100, key, 1)).Values);
        Assert.NotEqual(((RowBatch)model0.Sample(100, key, 1)).Values, ((RowBatch)reloaded.Sample(100, key, 1)).Values);
    }
}
