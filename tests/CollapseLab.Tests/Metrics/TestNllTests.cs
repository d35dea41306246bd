using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families.Gaussian;
using CollapseLab.Metrics;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Tests.Metrics;

public class TestNllTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void Gaussian_closed_form_equals_the_mean_over_test_rows(int d)
    {
        var truth = new GaussianModel(new double[d], Enumerable.Range(0, d * d).Select(i => i / d == i % d ? 1.0 + i % d : 0.3).ToArray());
        var real = new GaussianData(truth, 50, 500, 8);
        var rows = (RowBatch)truth.Sample(40, new StreamKey(2, 0, 1, Purpose.Sample), 1);
        var mean = Moments.Mean(rows, 1);
        var model = new GaussianModel(mean, Moments.Covariance(rows, mean, 0, 1));
        var direct = 0.0;
        for (var i = 0; i < real.Test.Count; i++)
        {
            direct -= model.LogDensity(real.Test.Row(i));
        }
        direct /= real.Test.Count;
        Assert.Equal(direct, model.TestNll(real, 1), 1e-10 * Math.Abs(direct));
    }

    [Fact]
    public void A_singular_gaussian_scores_infinity()
    {
        var real = new GaussianData(new GaussianModel([0, 0], [1, 0, 0, 1]), 10, 50, 1);
        Assert.Equal(double.PositiveInfinity, new GaussianModel([0, 0], [1, 1, 1, 1]).TestNll(real, 1));
    }
}
