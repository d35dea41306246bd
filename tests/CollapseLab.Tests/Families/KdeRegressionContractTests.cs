using CollapseLab.Running;
using CollapseLab.Tests.TestSupport;

namespace CollapseLab.Tests.Families;

/// <summary>
/// The KDE and regression families end to end with their default metrics (which include the sample-based ones):
/// every value finite or ±∞ (never NaN), and the same bits with one thread or two.
/// </summary>
public class KdeRegressionContractTests
{
    [Theory]
    [InlineData("data: { source: gaussian, dim: 2, train: 60, test: 300 }\nmodel: { family: kde, kernel: epanechnikov, bandwidth: silverman }")]
    [InlineData("data: { source: gaussian, dim: 3, train: 40, test: 200 }\nmodel: { family: kde, bandwidth: [0.3, 0.5, 0.7] }")]
    [InlineData("data: { source: linear, dim: 4, train: 30, test: 200, features: uniform }\nmodel: { family: linear_regression, estimator: ridge, alpha: 0.5, design: fresh }")]
    [InlineData("data: { source: linear, dim: 4, train: 30, test: 200 }\nmodel: { family: linear_regression, intercept: true }")]
    public void RunsAndIsTheSameForAnyThreadCount(string body)
    {
        var yaml = $"""
            seed: 5
            generations: 4
            replicates: 3
            {body}
            arms:
              - {"{"} name: replace, policy: {"{"} kind: replace {"}"} {"}"}
              - {"{"} name: accumulate, policy: {"{"} kind: accumulate {"}"} {"}"}
            """;
        var spec = KdeSpecs.Load(yaml);
        var one = new ExperimentRunner(spec, null, 1).Run(CancellationToken.None)!;
        var two = new ExperimentRunner(KdeSpecs.Load(yaml), null, 2).Run(CancellationToken.None)!;
        Assert.True(spec.Metrics.Count > 2);
        for (var c = 0; c < one.Length; c++)
        {
            Assert.All(one[c].Values, v => Assert.False(double.IsNaN(v)));
            Assert.Equal(one[c].Values, two[c].Values);
        }
    }
}
