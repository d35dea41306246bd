using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// A Gaussian mixture of <see cref="Components"/> components fitted by EM (<see cref="ExpectationMaximization"/>),
/// the model of Shumailov et al.'s GMM experiment. Options follow scikit-learn's GaussianMixture: covariance kind,
/// init, n_init restarts, tol, max_iter, reg_covar; <see cref="OnEmpty"/> says what happens to a component that
/// loses its data (collapse makes this common): drop it, or re-seed it at the worst-fitted sample.
/// </summary>
public sealed record MixtureFamily(
    int Components,
    CovarianceKind Covariance,
    MixtureInit Init,
    int Restarts,
    double Tolerance,
    int MaxIterations,
    double RegCovar,
    EmptyComponentAction OnEmpty) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("gmm", Read,
        [Capabilities.Density, Capabilities.Moments, Capabilities.MixtureForm],
        "data: { source: blobs, centers: 2, train: 60, test: 200 }\nmodel: { family: gmm, components: 2 }")
    {
        Metrics = [new EmptyComponentsMetric(), new ActiveComponentsMetric(), new EmIterationsMetric()],
    };

    public static readonly string[] Inits = ["kmeans++", "random", "warm"];

    public static readonly string[] EmptyActions = ["drop", "reseed"];

    public string Name => "gmm";

    public bool RecyclesSamples => true;

    public bool WarmStartsFromPrevious => Init == MixtureInit.Warm;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics =>
        ["l2_to_real", "l2_to_model0", "min_component_weight", "max_mean_shift", "min_spread_ratio", "empty_components",
         "mean_sq_error", "trace_ratio", "tail_mass", "test_nll"];

    public static MixtureFamily Read(SpecReader model)
    {
        var components = model.Int("components", 2, min: 1, max: 1000);
        var covariance = CovarianceKinds.Parse(model.Choice("covariance", "full", CovarianceKinds.Names));
        var init = model.Choice("init", "kmeans++", Inits) switch
        {
            "random" => MixtureInit.Random,
            "warm" => MixtureInit.Warm,
            _ => MixtureInit.KMeansPlusPlus,
        };
        var restarts = model.Int("n_init", 1, min: 1, max: 1000);
        var tolerance = model.Double("tol", 1e-3, min: 0);
        var maxIterations = model.Int("max_iter", 100, min: 1, max: 1_000_000);
        var regCovar = model.Double("reg_covar", 1e-6, min: 0, exclusiveMin: true);
        var onEmpty = model.Choice("empty", "drop", EmptyActions) == "drop" ? EmptyComponentAction.Drop : EmptyComponentAction.Reseed;
        return new MixtureFamily(components, covariance, init, restarts, tolerance, maxIterations, regCovar, onEmpty);
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (Components > smallestTrainingSet)
        {
            throw model.Error("components",
                $"{Components} components need at least {Components} training samples, but the smallest training set here has {smallestTrainingSet}. Lower components, or raise data.train and samples_per_generation.");
        }
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var rows = (RowBatch)train;
        if (rows.Count < Components)
        {
            throw new SpecException($"model.components: {Components} components cannot be fitted to {rows.Count} samples; lower components or give at least {Components} samples.");
        }
        var previous = (context.Previous as MixtureModel)?.Parameters;
        var em = new ExpectationMaximization(rows, this, context.Threads);
        var fit = em.Fit(context.Stream, previous);
        return new MixtureModel(fit.Parameters, fit, Components);
    }
}

public enum MixtureInit
{
    /// <summary>k-means++ seeding, Lloyd iterations, then one M step from the hard labels.</summary>
    KMeansPlusPlus,

    /// <summary>Random responsibilities, then one M step (scikit-learn's 'random': all means start near the data mean).</summary>
    Random,

    /// <summary>The previous generation's model; k-means++ at generation 0.</summary>
    Warm,
}

public enum EmptyComponentAction
{
    Drop,
    Reseed,
}
