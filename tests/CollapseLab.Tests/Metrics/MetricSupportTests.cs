using CollapseLab.Specs;
using CollapseLab.Tests.Extending.Walkthrough;

namespace CollapseLab.Tests.Metrics;

/// <summary>
/// Every registered metric with every registered family (on the family's example) either is refused when the spec
/// loads (a clear spec error, exit 2) or runs: never a failure halfway through a run.
/// </summary>
[Trait("Speed", "slow")]
public class MetricSupportTests
{
    private static readonly CollapseLab.Extending.Catalog Catalog = WalkthroughCatalog.Catalog;

    public static TheoryData<string> Families() => new(Catalog.Families.Names);

    [Theory]
    [MemberData(nameof(Families))]
    public void Each_metric_is_refused_up_front_or_computed(string family)
    {
        var ran = 0;
        var example = Catalog.Families[family].Example;
        foreach (var metric in Catalog.Metrics.Names)
        {
            ExperimentSpec spec;
            try
            {
                spec = TestSpecs.Load(Catalog, $"""
                    generations: 2
                    replicates: 1
                    {example}
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

    [Fact]
    public void A_refusal_names_the_families_that_have_the_missing_capability()
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load(Catalog, """
            generations: 2
            data: { source: zipf, vocab: 20, order: 1, block: 8, train: 10, test: 10 }
            model: categorical
            metrics: [test_nll]
            """));
        Assert.Contains("metric 'test_nll' needs a density over numeric rows; families with one: gaussian, kde, gmm, box", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_family_metric_is_offered_with_its_family_only()
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 2
            data: { source: blobs, centers: 2, train: 40, test: 40 }
            model: gaussian
            metrics: [em_iterations]
            """));
        Assert.Contains("is reported by the gmm family only", error.Message, StringComparison.Ordinal);
    }
}
