using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Families.Diffusion;
using CollapseLab.Random;

namespace CollapseLab.Tests.Families.Diffusion;

/// <summary>A DDPM fitted to a 2 × 2 grid of Gaussians (modes 1 apart, σ = 0.1): what it samples and what its trajectories say.</summary>
[Trait("Speed", "slow")]
public class DiffusionFamilyTests
{
    private const string Spec = """
        seed: 4
        generations: 1
        data: { source: grid, k: 2, spacing: 1, std: 0.1, train: 1000, test: 1000 }
        model: { family: diffusion, timesteps: 100, hidden: 64, layers: 3, steps: 1500, batch_size: 256, learning_rate: 0.002 }
        """;

    private static readonly Lazy<(DiffusionModel Model, ExperimentData Data)> Fitted = new(() =>
    {
        var spec = TestSpecs.Load(Spec);
        var arm = spec.Arms[0];
        var pool = arm.Data.Pool(spec.Seed, 0);
        var model = (DiffusionModel)arm.Family.Fit(pool, new FitContext(0, new StreamKey(spec.Seed, 0, 0, Purpose.Fit), 2, null, null, pool));
        return (model, arm.Data);
    });

    private static RowBatch Draw(DiffusionModel model, int n) => (RowBatch)model.Sample(n, new StreamKey(4, 0, 0, Purpose.Sample), 2);

    /// <summary>Distance of a row to the nearest of the four modes (±0.5, ±0.5).</summary>
    private static double NearestMode(ReadOnlySpan<double> x) => Math.Sqrt(Math.Pow(Math.Abs(x[0]) - 0.5, 2) + Math.Pow(Math.Abs(x[1]) - 0.5, 2));

    [Fact]
    public void Samples_cover_every_mode_mostly_near_it()
    {
        var samples = Draw(Fitted.Value.Model, 2000);
        var quadrants = new int[4];
        var near = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var x = samples.Row(i);
            quadrants[(x[0] > 0 ? 1 : 0) + (x[1] > 0 ? 2 : 0)]++;
            near += NearestMode(x) < 0.3 ? 1 : 0;
        }

        // each mode holds 1/4 of the mass: 500 ± 4·√(2000·¼·¾) if the model were exact; a learned one gets 3 times the slack
        Assert.All(quadrants, q => Assert.InRange(q, 500 - (12 * 19.4), 500 + (12 * 19.4)));
        // within 3σ of a mode: 98.9% of real data
        Assert.True(near > 0.85 * samples.Count, $"{near} of {samples.Count} samples within 0.3 of a mode");
    }

    [Fact]
    public void Trajectory_variance_is_higher_between_modes_than_on_them()
    {
        var model = Fitted.Value.Model;
        var onModes = new RowBatch([-0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5], 2);
        var between = new RowBatch([0, -0.5, 0, 0.5, -0.5, 0, 0.5, 0], 2);
        var key = new StreamKey(4, 0, 0, Purpose.Curation);
        var on = model.TrajectoryVariance(Repeat(onModes, 50), model.DefaultTrajectorySteps, key, 2).Average();
        var off = model.TrajectoryVariance(Repeat(between, 50), model.DefaultTrajectorySteps, key, 2).Average();
        // measured 2.6 times at k = T/10 = 10; 1.5 leaves room for another GEMM's rounding
        Assert.True(off > 1.5 * on, $"mean x̂₀ variance between modes {off:G4} vs on modes {on:G4}");
    }

    [Fact]
    public void Sampling_bias_below_one_pulls_samples_onto_the_modes()
    {
        var model = Fitted.Value.Model;
        var biased = new DiffusionModel(model.Network, model.Schedule, model.Sampler with { Lambda = 0.5 }, false, model.Shift, model.Scale,
            model.DefaultTrajectorySteps, model.Report, CollapseLab.Tensors.Compute.Default);
        static double MeanDistance(RowBatch r) => Enumerable.Range(0, r.Count).Average(i => NearestMode(r.Row(i)));
        Assert.True(MeanDistance(Draw(biased, 1000)) < MeanDistance(Draw(model, 1000)));
    }

    [Fact]
    public void A_saved_model_samples_the_same_bits()
    {
        var model = Fitted.Value.Model;
        var path = Path.Combine(TestSpecs.TempDirectory(), "gen000.safetensors");
        model.Save(path);
        var loaded = DiffusionModel.Load(path);
        Assert.Equal(Draw(model, 300).Values, Draw(loaded, 300).Values);
    }

    private static RowBatch Repeat(RowBatch rows, int times) =>
        new(Enumerable.Repeat(rows.Values, times).SelectMany(v => v).ToArray(), rows.Dim);
}
