using CollapseLab.Running;

namespace CollapseLab.Tests.Families.Mixture;

/// <summary>End to end: the gmm family inside the loop, where collapse empties components as a matter of course.</summary>
public class MixtureChainTests
{
    /// <summary>
    /// Four components refitted on 12 samples a generation, re-seeded or dropped as they empty: every metric stays a
    /// number (never NaN), and the same spec gives the same bits on 1 and 2 threads.
    /// </summary>
    [Theory]
    [InlineData("drop", "kmeans++")]
    [InlineData("reseed", "random")]
    [InlineData("drop", "warm")]
    public void SmallCollapsingChainsStayFiniteAndDeterministic(string empty, string init)
    {
        var yaml = $$"""
            generations: 30
            replicates: 2
            data: { source: blobs, centers: 3, std: 0.5, train: 12, test: 500 }
            model: { family: gmm, components: 4, covariance: full, empty: {{empty}}, init: {{init}}, max_iter: 50 }
            samples_per_generation: 12
            output: { sample_values: 1 }
            metrics: [l2_to_real, l2_to_model0, min_component_weight, max_weight_error, max_mean_shift, min_spread_ratio,
              max_spread_ratio, empty_components, active_components, em_iterations, mean_sq_error, trace_ratio, logdet_ratio,
              tail_mass, test_nll]
            """;
        var one = new ExperimentRunner(MixtureTestData.Load(yaml), null, 1).Run(CancellationToken.None)!;
        var two = new ExperimentRunner(MixtureTestData.Load(yaml), null, 2).Run(CancellationToken.None)!;
        for (var c = 0; c < one.Length; c++)
        {
            Assert.All(one[c].Values, v => Assert.False(double.IsNaN(v)));
            var diff = Enumerable.Range(0, one[c].Values.Length).FirstOrDefault(i => !one[c].Values[i].Equals(two[c].Values[i]), -1);
            Assert.True(diff < 0, $"chain {c}: value {diff} (generation {diff / one[c].MetricCount}, metric {diff % one[c].MetricCount}) {(diff < 0 ? 0 : one[c].Values[diff])} vs {(diff < 0 ? 0 : two[c].Values[diff])}");
        }
        Assert.Contains(one[0].SampleValues, s => s.Name == "component_weight" && s.Values.Length == 3);
    }
}
