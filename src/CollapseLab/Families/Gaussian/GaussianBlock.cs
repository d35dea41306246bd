using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Gaussian;

/// <summary>
/// The 1-D Gaussian models of a block of chains in flat arrays: the fit of <see cref="GaussianFamily.Fit"/> and the
/// draws of <see cref="GaussianModel.Sample"/>, bit for bit, without a model, factor or batch per chain-generation.
/// Training sets and draws are at most one chunk (<see cref="Moments.ChunkRows"/>), as <see cref="GaussianFamily.OpenBlock"/> checks.
/// </summary>
internal sealed class GaussianBlock(GaussianEstimator estimator, int chains) : IGaussianBlock
{
    // Chain c's μ̂, σ̂², its factor L = σ̂ (0 when singular), and why its model is degenerate.
    private readonly double[] _mean = new double[chains];
    private readonly double[] _variance = new double[chains];
    private readonly double[] _factor = new double[chains];
    private readonly string?[] _degeneracy = new string?[chains];

    public int Dim => 1;

    public void Fit(int chain, ReadOnlySpan<double> rows)
    {
        var ddof = estimator == GaussianEstimator.Unbiased && rows.Length > 1 ? 1 : 0;
        (_mean[chain], _variance[chain]) = Moments.Scalar(rows, ddof);
        _factor[chain] = Cholesky.Scalar(_variance[chain]);
        _degeneracy[chain] = GaussianModel.FindDegeneracy(Mean(chain), Covariance(chain), _factor[chain] > 0 ? 1 : 0);
    }

    public void Sample(int chain, StreamKey stream, Span<double> destination) =>
        ChunkedRows.Fill(destination, 1, stream, (Mean: _mean[chain], Std: _factor[chain]),
            static (rows, _, rng, normal) => rng.FillNormal(rows, normal.Mean, normal.Std));

    public string? Degeneracy(int chain) => _degeneracy[chain];

    public ReadOnlySpan<double> Mean(int chain) => _mean.AsSpan(chain, 1);

    public ReadOnlySpan<double> Covariance(int chain) => _variance.AsSpan(chain, 1);

    public Cholesky Factor(int chain) => new(Covariance(chain), 1);
}
