using CollapseLab.Running;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Running;

public class DeterminismTests
{
    /// <summary>Every policy, a d-D model and sampling that is split into chunks (M above one chunk).</summary>
    public const string Spec = """
        name: determinism
        seed: 3
        generations: 6
        replicates: 5
        data: { source: gaussian, dim: 2, train: 40, test: 500 }
        model: { family: gaussian, estimator: unbiased }
        samples_per_generation: 40
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: keep, policy: { kind: keep-real, fraction: 0.2 } }
          - { name: acc, policy: { kind: accumulate } }
          - { name: sub, policy: { kind: accumulate-subsample, size: 50 } }
          - { name: fresh, policy: { kind: fresh-real, fraction: 0.3 } }
          - { name: mix, policy: { kind: mix, ratio: 0.5 } }
          - { name: big, samples_per_generation: 20000 }
        """;

    [Fact]
    public void Metrics_csv_is_bit_identical_for_1_2_and_8_threads()
    {
        var outputs = new[] { 1, 2, 8 }.Select(threads =>
        {
            var spec = TestSpecs.Load(Spec);
            var session = RunSession.Start(spec, TestSpecs.TempDirectory(), threads);
            Assert.True(session.Execute(CancellationToken.None));
            return File.ReadAllText(session.Folder.File("metrics.csv"));
        }).ToArray();
        Assert.True(outputs[0].Length > 1000);
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
    }

    [Fact]
    public void Progress_counts_every_generation_without_a_callback()
    {
        var spec = TestSpecs.Load(Spec, "replicates=2");
        var runner = new ExperimentRunner(spec, null, 2);
        runner.Run(CancellationToken.None);
        Assert.Equal(runner.TotalSteps, runner.CompletedSteps);
        Assert.Equal(7 * 2 * 7, runner.TotalSteps);
    }

    [Fact]
    public void Arms_share_real_data_so_generation_zero_is_identical_across_arms()
    {
        var spec = TestSpecs.Load(Spec);
        var results = TestSpecs.Run(spec);
        foreach (var arm in spec.Arms)
        {
            Assert.Equal(
                TestSpecs.Column(spec, results, "replace", "kl", 0),
                TestSpecs.Column(spec, results, arm.Name, "kl", 0));
        }
    }

    [Fact]
    public void Output_does_not_depend_on_the_culture()
    {
        var spec = TestSpecs.Load(Spec, "generations=2", "replicates=2");
        var results = TestSpecs.Run(spec);
        var summary = new CollapseLab.Summaries.RunSummary(spec, results);
        string Render()
        {
            using var w = new StringWriter();
            CsvExporter.WriteSummary(w, summary);
            return w.ToString();
        }
        var invariant = Render();
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal(invariant, Render());
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
        Assert.Contains("0.", invariant, StringComparison.Ordinal);
    }
}
