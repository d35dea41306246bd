using CollapseLab.Cli;

namespace CollapseLab.Tests.Families.Diffusion;

/// <summary>Bad diffusion options and trajectory-variance settings: a message naming the key, exit code 2.</summary>
public class DiffusionBadInputTests
{
    private static string Spec(string model, string curation = "") => $$"""
        name: bad
        generations: 1
        data: { source: grid, k: 2, train: 64, test: 64 }
        model: { family: diffusion, timesteps: 10, steps: 2, {{model}} }
        {{(curation.Length == 0 ? "" : $"arms:\n  - {{ name: a, curation: [{curation}] }}")}}
        """;

    private static void AssertRejected(string yaml, params string[] expected)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, yaml);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(["run", path, "--runs", Path.Combine(dir, "runs"), "--quiet"], output, error);
        Assert.Equal(2, code);
        foreach (var e in expected)
        {
            Assert.Contains(e, error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fewer_than_one_noise_step_is_rejected() =>
        AssertRejected(Spec("layers: 1").Replace("timesteps: 10", "timesteps: 0", StringComparison.Ordinal), "'model.timesteps'");

    [Fact]
    public void More_ddim_steps_than_noise_steps_are_rejected() =>
        AssertRejected(Spec("sampler: ddim, sampling_steps: 11"), "'model.sampling_steps'", "more than the 10 noise steps");

    [Fact]
    public void Sampling_steps_with_ancestral_sampling_are_rejected() =>
        AssertRejected(Spec("sampling_steps: 5"), "'model.sampling_steps'", "sampler: ddim");

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    public void A_sampling_bias_that_is_not_positive_is_rejected(string lambda) =>
        AssertRejected(Spec($"lambda: {lambda}"), "'model.lambda'");

    [Fact]
    public void An_image_denoiser_on_row_data_is_rejected() =>
        AssertRejected(Spec("denoiser: unet"), "'model.denoiser'", "row data");

    [Fact]
    public void More_trajectory_steps_than_sampler_steps_are_rejected() =>
        AssertRejected(Spec("trajectory_steps: 11"), "'model.trajectory_steps'");

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-1")]
    public void A_keep_rate_outside_zero_to_one_is_rejected(string keep) =>
        AssertRejected(Spec("layers: 1", $"{{ step: trajectory-variance, keep: {keep} }}"), "keep'");

    [Fact]
    public void The_filter_needs_a_model_that_reports_trajectories() =>
        AssertRejected("""
            name: bad
            generations: 1
            data: { source: grid, k: 2, train: 64, test: 64 }
            model: { family: gaussian }
            arms:
              - { name: a, curation: [{ step: trajectory-variance, keep: 0.5 }] }
            """, "trajectory-variance", "diffusion");
}
