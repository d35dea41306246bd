using CollapseLab.Data;
using CollapseLab.Families.Mixture;
using CollapseLab.Numerics;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Families.Gaussian;

/// <summary>Synthetic real data from N(μ, Σ): given as mean and cov, or as dim and std (μ = 0, Σ = std²·I).</summary>
public static class GaussianSource
{
    public static Func<ulong, ExperimentData> Read(SpecReader data)
    {
        var mean = data.Doubles("mean");
        var cov = data.Matrix("cov");
        var dimDefault = mean?.Length ?? cov?.Length ?? 1;
        var dim = data.Int("dim", dimDefault, min: 1, max: 4096);
        if (mean is not null && mean.Length != dim)
        {
            throw data.Error("mean", $"has {mean.Length} entries but dim is {dim}; give one entry per dimension.");
        }
        double[] covariance;
        if (cov is null)
        {
            var std = data.Double("std", 1.0, min: 0, exclusiveMin: true);
            covariance = new double[dim * dim];
            for (var i = 0; i < dim; i++)
            {
                covariance[i * dim + i] = std * std;
            }
        }
        else
        {
            if (cov.Length != dim || cov[0].Length != dim)
            {
                throw data.Error("cov", $"is {cov.Length}×{cov[0].Length} but dim is {dim}; give a {dim}×{dim} matrix.");
            }
            covariance = cov.SelectMany(r => r).ToArray();
            if (!Cholesky.IsPositiveDefinite(covariance, dim))
            {
                throw data.Error("cov", "is not a symmetric positive-definite matrix (a covariance must be symmetric with all eigenvalues > 0). Check the entries, or add a small value to the diagonal.");
            }
        }
        var train = data.Int("train", 100, min: 1);
        var test = data.Int("test", 10_000, min: 1);
        var truth = new GaussianModel(mean ?? new double[dim], covariance);
        return seed => new GaussianData(truth, train, test, seed);
    }
}

/// <summary>Real data drawn from a known Gaussian, so metrics against the truth are exact.</summary>
public sealed class GaussianData : RowData, IKnownTruth
{
    private readonly GaussianModel _truth;

    public GaussianData(GaussianModel truth, int poolSize, int testSize, ulong seed)
    {
        _truth = truth;
        PoolSize = poolSize;
        Test = (RowBatch)truth.Sample(testSize, new StreamKey(seed, 0, 0, Purpose.RealTest), 1);
    }

    public GaussianModel Truth => _truth;

    public IDensityModel? TruthDensity => _truth;

    public RowBatch DrawTruth(int count, StreamKey stream) => (RowBatch)_truth.Sample(count, stream, 1);

    public override int Dim => _truth.Dim;

    public override RowBatch Test { get; }

    public override int PoolSize { get; }

    public override double[] ReferenceMean => _truth.Mean;

    public override double[] ReferenceCovariance => _truth.Covariance;

    public override bool ReferenceIsExactGaussian => true;

    public override GaussianComponents KnownMixture => new(Dim, [1.0], _truth.Mean, [_truth.Covariance]);

    public override DataBatch Pool(ulong seed, int replicate) =>
        _truth.Sample(PoolSize, new StreamKey(seed, replicate, 0, Purpose.RealPool), 1);

    public override DataBatch Fresh(int count, StreamKey stream) => _truth.Sample(count, stream, 1);

    public override string Describe()
    {
        var isotropic = true;
        for (var i = 0; i < Dim; i++)
        {
            for (var j = 0; j < Dim; j++)
            {
                var expected = i == j ? _truth.Covariance[0] : 0;
                isotropic &= _truth.Covariance[i * Dim + j] == expected;
            }
        }
        var shape = isotropic ? $"σ={Math.Sqrt(_truth.Covariance[0]):G4}" : "full covariance";
        return $"Gaussian, d={Dim}, {shape}; real pool {PoolSize}, test {Test.Count}";
    }
}
