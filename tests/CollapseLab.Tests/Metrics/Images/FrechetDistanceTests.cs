using CollapseLab.Metrics.Images;
using CollapseLab.Numerics;

namespace CollapseLab.Tests.Metrics.Images;

public class FrechetDistanceTests
{
    private static double Fid(double[] m1, double[] c1, double[] m2, double[] c2) =>
        FrechetDistanceMetric.Distance(m1, c1, new SymmetricEigen(c1, m1.Length).Sqrt(), m2, c2);

    [Fact]
    public void Equal_statistics_are_at_distance_zero()
    {
        double[] c = [2, 0.5, 0.5, 1];
        Assert.Equal(0, Fid([1, 2], c, [1, 2], c), 9);
    }

    [Fact]
    public void Diagonal_covariances_give_the_closed_form()
    {
        // For diagonal Σ: ‖μ1 − μ2‖² + Σ (σ1 − σ2)².
        var fid = Fid([0, 1], [4, 0, 0, 9], [1, 1], [1, 0, 0, 1]);
        Assert.Equal(1 + 1 + 4, fid, 9);
    }

    [Fact]
    public void Commuting_covariances_match_the_square_roots()
    {
        // Σ2 = 4·Σ1: tr(Σ1 + Σ2 − 2·2·Σ1) = tr Σ1.
        double[] c1 = [2, 0.5, 0.5, 1];
        var c2 = c1.Select(v => 4 * v).ToArray();
        Assert.Equal(3, Fid([0, 0], c1, [0, 0], c2), 9);
    }
}
