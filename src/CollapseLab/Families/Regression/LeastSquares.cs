using CollapseLab.Numerics;

namespace CollapseLab.Families.Regression;

/// <summary>
/// Solves the (ridge) normal equations (XᵀX + αI)·w = Xᵀy by Cholesky. A rank-deficient XᵀX (α = 0) is solved
/// by the pseudo-inverse from its eigen-decomposition instead — the minimum-norm least-squares solution — and the
/// rank is reported, since a degenerate design is a result of the loop, not a crash.
/// </summary>
public static class LeastSquares
{
    /// <summary>Eigenvalues below this fraction of the largest are treated as zero in the pseudo-inverse.</summary>
    private const double RankTolerance = 1e-12;

    /// <param name="gram">XᵀX, row-major p×p (not modified).</param>
    /// <param name="moment">Xᵀy, length p.</param>
    public static (double[] Weights, int Rank) Solve(double[] gram, double[] moment, double alpha)
    {
        var p = moment.Length;
        var a = (double[])gram.Clone();
        for (var i = 0; i < p; i++)
        {
            a[i * p + i] += alpha;
        }
        var factor = new Cholesky(a, p);
        if (factor.IsFullRank)
        {
            var w = (double[])moment.Clone();
            factor.SolveLower(w);
            factor.SolveUpper(w);
            return (w, p);
        }
        var eigen = new SymmetricEigen(a, p);
        var largest = eigen.Values.Max();
        var weights = new double[p];
        var rank = 0;
        for (var k = 0; k < p; k++)
        {
            var lambda = eigen.Values[k];
            if (!(lambda > RankTolerance * largest))
            {
                continue;
            }
            rank++;
            // w += v_k (v_kᵀ b) / λ_k
            var projection = 0.0;
            for (var i = 0; i < p; i++)
            {
                projection += eigen.Vectors[i * p + k] * moment[i];
            }
            for (var i = 0; i < p; i++)
            {
                weights[i] += eigen.Vectors[i * p + k] * projection / lambda;
            }
        }
        return (weights, rank);
    }

    /// <summary>True when XᵀX (p×p) is of full rank, by the same test <see cref="Solve"/> uses.</summary>
    public static bool IsFullRank(double[] gram, int p) => new Cholesky(gram, p).IsFullRank;
}
