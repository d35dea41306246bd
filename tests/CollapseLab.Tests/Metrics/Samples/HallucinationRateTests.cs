using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Metrics.Samples;
using CollapseLab.Numerics;

namespace CollapseLab.Tests.Metrics.Samples;

public class HallucinationRateTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    public void Real_grid_data_scores_the_gaussian_mass_beyond_the_radius(double sigmas)
    {
        // Modes 20σ apart, so each point is near one mode only: P(r > nσ) = exp(−n²/2) for a 2-D isotropic Gaussian.
        var spec = TestSpecs.Load($$"""
            generations: 1
            data: { source: grid, k: 3, spacing: 1, std: 0.05, train: 10, test: 40000 }
            model: gaussian
            """);
        var data = spec.Arms[0].Data;
        var truth = MixtureTruth.Of(data)!;
        var rate = HallucinationRateMetric.Rate((RowBatch)data.Test, truth.Means, truth.Covariances.Select(c => new Cholesky(c, 2)).ToArray(), sigmas);
        var expected = Math.Exp(-sigmas * sigmas / 2);
        var se = Math.Sqrt(expected * (1 - expected) / data.Test.Count);
        Assert.InRange(rate, expected - (4 * se), expected + (4 * se));
    }

    [Fact]
    public void Points_between_modes_are_hallucinations_and_points_on_them_are_not()
    {
        var means = new double[] { 0, 0, 1, 0 };
        var cov = new double[] { 0.01, 0, 0, 0.01 };
        var factors = new[] { new Cholesky(cov, 2), new Cholesky(cov, 2) };
        var rows = new RowBatch([0, 0, 1, 0.05, 0.5, 0, 0.5, 0.5], 2);
        Assert.Equal(0.5, HallucinationRateMetric.Rate(rows, means, factors, 3));
    }
}
