using CollapseLab.Numerics;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Known modes of a Gaussian mixture (blobs, a mixture given its parameters): mode c's region is its ellipsoid
/// of 99% mass, Mahalanobis² (x − μ_c)ᵀΣ_c⁻¹(x − μ_c) ≤ χ²_d(0.99). A point inside several regions belongs to the
/// component with the highest weighted density there. Mixture sources implement <see cref="IKnownModes"/> by
/// delegating to this.
/// </summary>
public sealed class GaussianComponentModes : IKnownModes
{
    public const double Mass = 0.99;

    private readonly double[][] _means;
    private readonly Cholesky[] _factors;
    private readonly double[] _logWeights;
    private readonly double _radius2;

    /// <param name="weights">Mixing weights (sum 1).</param>
    /// <param name="means">Component means, each of length d.</param>
    /// <param name="covariances">Component covariances, each row-major d×d and positive definite.</param>
    public GaussianComponentModes(IReadOnlyList<double> weights, IReadOnlyList<double[]> means, IReadOnlyList<double[]> covariances)
    {
        if (weights.Count != means.Count || weights.Count != covariances.Count || weights.Count == 0)
        {
            throw new ArgumentException("need one weight, mean and covariance per component");
        }
        var d = means[0].Length;
        ModeWeights = weights.ToArray();
        _means = means.ToArray();
        _factors = covariances.Select(c => new Cholesky(c, d)).ToArray();
        if (_factors.Any(f => !f.IsFullRank))
        {
            throw new ArgumentException("every component covariance must be positive definite");
        }
        _logWeights = weights.Select(w => Math.Log(w)).ToArray();
        _radius2 = SpecialFunctions.ChiSquareQuantile(Mass, d);
    }

    public IReadOnlyList<double> ModeWeights { get; }

    public int ModeOf(ReadOnlySpan<double> x)
    {
        Span<double> work = stackalloc double[x.Length];
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < _means.Length; c++)
        {
            var m2 = _factors[c].Mahalanobis2(x, _means[c], work);
            if (m2 > _radius2)
            {
                continue;
            }
            // log w_c + log N(x; μ_c, Σ_c) up to the shared constant.
            var score = _logWeights[c] - 0.5 * (m2 + _factors[c].LogDeterminant);
            if (score > bestScore)
            {
                (best, bestScore) = (c, score);
            }
        }
        return best;
    }
}
