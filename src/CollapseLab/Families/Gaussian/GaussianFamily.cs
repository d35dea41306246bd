using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Specs;

namespace CollapseLab.Families.Gaussian;

/// <summary>
/// A full-covariance Gaussian fitted by maximum likelihood (divide by n) or unbiasedly (divide by n − 1): the
/// model of Shumailov et al.'s and Kazdan et al.'s closed-form collapse results.
/// </summary>
public sealed record GaussianFamily(GaussianEstimator Estimator) : ILockstepFamily
{
    public static readonly string[] Estimators = ["mle", "unbiased"];

    public static FamilyRegistration Registration { get; } = new("gaussian", Read,
        [Capabilities.Density, Capabilities.Moments, Capabilities.GaussianForm, Capabilities.MixtureForm, Capabilities.Lockstep],
        "data: { source: gaussian, dim: 2, train: 40, test: 200 }\nmodel: { family: gaussian }")
    {
        Theory = [new GaussianMomentTheory()],
    };

    public string Name => "gaussian";

    public bool RecyclesSamples => true;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics =>
        ["mean_sq_error", "trace_ratio", "logdet_ratio", "w2", "kl", "tail_mass", "test_nll"];

    public static GaussianFamily Read(SpecReader model)
    {
        var estimator = model.Choice("estimator", "mle", Estimators) == "mle" ? GaussianEstimator.Mle : GaussianEstimator.Unbiased;
        return new GaussianFamily(estimator);
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (Estimator == GaussianEstimator.Unbiased && smallestTrainingSet < 2)
        {
            throw model.Error("estimator",
                $"the unbiased estimator divides by n − 1, so every training set needs at least 2 samples (the smallest here has {smallestTrainingSet}). Raise data.train and samples_per_generation, or use estimator: mle.");
        }
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var rows = (RowBatch)train;
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("cannot fit a Gaussian to an empty training set");
        }
        var mean = Moments.Mean(rows, context.Threads);
        var ddof = Estimator == GaussianEstimator.Unbiased && rows.Count > 1 ? 1 : 0;
        var covariance = Moments.Covariance(rows, mean, ddof, context.Threads);
        return new GaussianModel(mean, covariance);
    }

    /// <summary>1-D chains whose training sets and draws fit in one chunk: the small models whose cost is per generation.</summary>
    public IChainBlock? OpenBlock(ExperimentData data, int chains, int samples) =>
        data is RowData { Dim: 1 } && data.PoolSize is > 0 and <= Moments.ChunkRows && samples is > 0 and <= Moments.ChunkRows
            ? new GaussianBlock(Estimator, chains)
            : null;
}

public enum GaussianEstimator
{
    Mle,
    Unbiased,
}
