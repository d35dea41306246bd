using CollapseLab.Families.Mixture;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>
/// Closed-form squared L2 distance between Gaussian mixtures p = Σ aᵢ N(μᵢ, Σᵢ) and q = Σ bⱼ N(νⱼ, Sⱼ):
/// ∫(p − q)² = ∫p² + ∫q² − 2∫pq, using ∫N(x; μ, Σ)N(x; ν, S) dx = N(μ; ν, Σ + S).
/// </summary>
public static class MixtureL2
{
    public static double Squared(GaussianComponents p, GaussianComponents q)
    {
        var pp = Overlap(p, p);
        var qq = Overlap(q, q);
        if (double.IsPositiveInfinity(pp) || double.IsPositiveInfinity(qq))
        {
            // A singular (or sub-resolution) component has unbounded density: the distance is infinite.
            return double.PositiveInfinity;
        }
        var pq = Overlap(p, q);
        return Math.Max(pp + qq - 2 * pq, 0);
    }

    /// <summary>∫p·q = Σᵢⱼ aᵢ bⱼ N(μᵢ; νⱼ, Σᵢ + Sⱼ).</summary>
    public static double Overlap(GaussianComponents p, GaussianComponents q)
    {
        var d = p.Dim;
        var sum = new double[d * d];
        var work = new double[d];
        var total = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            for (var j = 0; j < q.Count; j++)
            {
                for (var k = 0; k < sum.Length; k++)
                {
                    sum[k] = p.Covariances[i][k] + q.Covariances[j][k];
                }
                var chol = new Cholesky(sum, d);
                double density;
                if (chol.IsFullRank)
                {
                    var m2 = chol.Mahalanobis2(p.Mean(i), q.Mean(j), work);
                    density = Math.Exp(-0.5 * (m2 + chol.LogDeterminant + d * Math.Log(2 * Math.PI)));
                }
                else
                {
                    // Both components flat in a shared direction: a point mass there, infinite overlap only on itself.
                    density = p.Mean(i).SequenceEqual(q.Mean(j)) ? double.PositiveInfinity : 0;
                }
                total += p.Weights[i] * q.Weights[j] * density;
            }
        }
        return total;
    }
}
