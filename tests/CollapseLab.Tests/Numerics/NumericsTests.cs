using CollapseLab.Numerics;

namespace CollapseLab.Tests.Numerics;

public class NumericsTests
{
    [Theory]
    [InlineData(1.0, -0.5772156649015329)]
    [InlineData(0.5, -1.9635100260214235)]
    [InlineData(4.5, 1.3888709263595291)]
    [InlineData(49.5, 3.891837650726372)]
    public void Digamma_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.Digamma(x), 1e-12);

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(-1.96, 0.024997895148220435)]
    [InlineData(-8.0, 6.22096057427174e-16)]
    [InlineData(3.0, 0.9986501019683699)]
    public void NormalCdf_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.NormalCdf(x), Math.Max(1e-15, expected * 1e-12));

    [Fact]
    public void Quantiles_invert_their_cdfs()
    {
        Assert.Equal(2.5758293035489004, SpecialFunctions.NormalQuantile(0.995), 1e-12);
        Assert.Equal(6.6348966010212145, SpecialFunctions.ChiSquareQuantile(0.99, 1), 1e-9);
        Assert.Equal(23.209251158954356, SpecialFunctions.ChiSquareQuantile(0.99, 10), 1e-9);
    }

    [Fact]
    public void Cholesky_factors_and_reports_rank_of_a_singular_matrix()
    {
        double[] a = [4, 2, 2, 3];
        var c = new Cholesky(a, 2);
        Assert.True(c.IsFullRank);
        Assert.Equal(Math.Log(8), c.LogDeterminant, 1e-14);
        var inverse = c.Inverse();
        Assert.Equal(3.0 / 8, inverse[0], 1e-15);
        Assert.Equal(-2.0 / 8, inverse[1], 1e-15);

        double[] singular = [1, 1, 1, 1];
        var s = new Cholesky(singular, 2);
        Assert.Equal(1, s.Rank);
        Assert.Equal(double.NegativeInfinity, s.LogDeterminant);
        Assert.False(Cholesky.IsPositiveDefinite(singular, 2));
        Assert.False(Cholesky.IsPositiveDefinite([1, 0.5, 0.4, 1], 2));
    }

    [Fact]
    public void SymmetricEigen_reconstructs_the_matrix_and_its_square_root()
    {
        double[] a = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
        var root = new SymmetricEigen(a, 3).Sqrt();
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                var s = 0.0;
                for (var k = 0; k < 3; k++)
                {
                    s += root[i * 3 + k] * root[k * 3 + j];
                }
                Assert.Equal(a[i * 3 + j], s, 1e-12);
            }
        }
    }
}
