using CollapseLab.Storage;

namespace CollapseLab.Tests.Metrics;

/// <summary>Collapse produces degenerate models; they are reported as results, never NaN or a crash.</summary>
public class DegenerateTests
{
    [Fact]
    public void A_variance_of_zero_is_reported_as_collapsed_from_that_generation_on()
    {
        var spec = TestSpecs.Load("""
            name: zero
            generations: 4
            replicates: 2
            data: { source: gaussian, dim: 1, train: 1, test: 100 }
            model: { family: gaussian, estimator: mle }
            """);
        var results = TestSpecs.Run(spec);
        foreach (var r in results)
        {
            Assert.Equal(0, r.Degenerate!.Value.Generation);
            Assert.Equal("variance is zero", r.Degenerate.Value.Reason);
        }
        Assert.All(TestSpecs.Column(spec, results, "replace", "kl", 4), v => Assert.Equal(double.PositiveInfinity, v));
        Assert.All(TestSpecs.Column(spec, results, "replace", "test_nll", 4), v => Assert.Equal(double.PositiveInfinity, v));
        Assert.All(TestSpecs.Column(spec, results, "replace", "logdet_ratio", 4), v => Assert.Equal(double.NegativeInfinity, v));
        Assert.All(TestSpecs.Column(spec, results, "replace", "collapsed", 2), v => Assert.Equal(1, v));
        Assert.All(results.SelectMany(r => r.Values), v => Assert.False(double.IsNaN(v)));
    }

    [Fact]
    public void Fewer_samples_than_dimensions_give_a_singular_covariance_not_a_crash()
    {
        var spec = TestSpecs.Load("""
            name: singular
            generations: 3
            replicates: 2
            data: { source: gaussian, dim: 5, train: 3, test: 100 }
            model: { family: gaussian }
            """);
        var results = TestSpecs.Run(spec);
        Assert.Contains("rank 2 of 5", results[0].Degenerate!.Value.Reason, StringComparison.Ordinal);
        var summary = new CollapseLab.Summaries.RunSummary(spec, results);
        using var w = new StringWriter();
        CsvExporter.WriteSummary(w, summary);
        Assert.DoesNotContain("NaN", w.ToString(), StringComparison.Ordinal);
        Assert.Contains("inf", w.ToString(), StringComparison.Ordinal);
    }
}
