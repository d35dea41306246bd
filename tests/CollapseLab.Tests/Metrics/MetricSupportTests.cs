using CollapseLab.Metrics;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Metrics;

/// <summary>
/// Every metric with every family either is refused when the spec loads (a clear spec error, exit 2) or runs:
/// never a failure halfway through a run.
/// </summary>
public class MetricSupportTests
{
    public static TheoryData<string, string> Setups() => new()
    {
        { "gaussian", "{ source: gaussian, dim: 2, train: 40, test: 100 }" },
        { "{ family: gmm, components: 2 }", "{ source: blobs, centers: 2, train: 40, test: 100 }" },
        { "kde", "{ source: moons, train: 40, test: 100 }" },
        { "linear_regression", "{ source: linear, dim: 2, train: 40, test: 100 }" },
        { "categorical", "{ source: zipf, vocab: 50, order: 1, block: 8, train: 20, test: 20 }" },
        { "{ family: ngram, order: 2 }", "{ source: zipf, vocab: 50, order: 2, block: 8, train: 20, test: 20 }" },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public void Each_metric_is_refused_up_front_or_computed(string model, string data)
    {
        var ran = 0;
        foreach (var metric in MetricCatalog.Names)
        {
            ExperimentSpec spec;
            try
            {
                spec = TestSpecs.Load($"""
                    generations: 2
                    replicates: 1
                    data: {data}
                    model: {model}
                    metrics: [{metric}]
                    """);
            }
            catch (SpecException e)
            {
                Assert.Contains("metrics", e.Message, StringComparison.Ordinal);
                continue;
            }
            var results = TestSpecs.Run(spec, threads: 1);
            Assert.DoesNotContain(results[0].Values, double.IsNaN);
            ran++;
        }
        Assert.True(ran >= 3, $"only {ran} metrics ran");
    }
}
