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

    public void Fit(int first, int chains, ReadOnlySpan<double> rows)
    {
        var n = rows.Length / chains;
        var ddof = estimator == GaussianEstimator.Unbiased && n > 1 ? 1 : 0;
        Moments.Scalar(rows, n, ddof, _mean.AsSpan(first, chains), _variance.AsSpan(first, chains));
        for (var c = first; c < first + chains; c++)
        {
            _factor[c] = Cholesky.Scalar(_variance[c]);
            _degeneracy[c] = GaussianModel.FindDegeneracy(Mean(c), Covariance(c), _factor[c] > 0 ? 1 : 0);
        }
    }

    public void Sample(int chain, StreamKey stream, Span<double> destination) =>
        ChunkedRows.Fill(destination, 1, stream, (Mean: _mean[chain], Std: _factor[chain]),
            static (rows, _, rng, normal) => rng.FillNormal(rows, normal.Mean, normal.Std));

    public string? Degeneracy(int chain) => _degeneracy[chain];

    public ReadOnlySpan<double> Mean(int chain) => _mean.AsSpan(chain, 1);

    public ReadOnlySpan<double> Covariance(int chain) => _variance.AsSpan(chain, 1);

    public Cholesky Factor(int chain) => new(Covariance(chain), 1);
}
