using CollapseLab.Numerics;

namespace CollapseLab.Tests.Numerics;

public class GaussianFrechetTests
{
    [Fact]
    public void Matches_hand_computed_distances()
    {
        // N(0, I) vs N((1, 0), diag(4, 9)): 1 + (2 + 13) − 2·(√4 + √9) = 6.
        double[] identity = [1, 0, 0, 1];
        Assert.Equal(6, GaussianFrechet.Squared([0, 0], identity, identity, [1, 0], [4, 0, 0, 9]), 12);
        // Identical Gaussians with a full covariance: 0.
        double[] c = [2, 0.5, 0.5, 1];
        var root = new SymmetricEigen(c, 2).Sqrt();
        Assert.Equal(0, GaussianFrechet.Squared([1, 2], c, root, [1, 2], c), 10);
    }

    [Fact]
    public void The_w2_metric_agrees_in_one_and_several_dimensions()
    {
        // 1-D uses (μ̂ − μ)² + (σ̂ − σ)²; a 2-D spec with independent axes must give the same per-axis sum.
        var one = TestSpecs.Load("name: a\ngenerations: 2\nreplicates: 2\ndata: { source: gaussian, dim: 1, train: 30, test: 10 }\nmodel: { family: gaussian }\nmetrics: [w2, mean_sq_error, variance]\n");
        var results = TestSpecs.Run(one);
        var w2 = TestSpecs.Column(one, results, "replace", "w2", 2);
        var mse = TestSpecs.Column(one, results, "replace", "mean_sq_error", 2);
        var variance = TestSpecs.Column(one, results, "replace", "variance", 2);
        for (var r = 0; r < w2.Length; r++)
        {
            var expected = Math.Sqrt(mse[r] + Math.Pow(Math.Sqrt(variance[r]) - 1, 2));
            Assert.Equal(expected, w2[r], 12);
            var general = Math.Sqrt(GaussianFrechet.Squared([0], [1], [1], [Math.Sqrt(mse[r])], [variance[r]]));
            Assert.Equal(expected, general, 10);
        }
    }
}
