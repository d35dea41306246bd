using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// A Gaussian mixture of <see cref="Components"/> components fitted by EM (<see cref="ExpectationMaximization"/>),
/// the model of Shumailov et al.'s GMM experiment. Options follow scikit-learn's GaussianMixture: covariance kind,
/// init, n_init restarts, tol, max_iter, reg_covar; <see cref="OnEmpty"/> says what happens to a component that
/// loses its data (collapse makes this common): drop it, or re-seed it at the worst-fitted sample. With
/// <see cref="Labels"/> it is a class-conditional model of labelled rows instead (no EM): component c is the Gaussian
/// of the rows labelled c, its samples carry their class, and <see cref="LabelNoise"/> mislabels a share of them.
/// </summary>
public sealed record MixtureFamily(
    int Components,
    CovarianceKind Covariance,
    MixtureInit Init,
    int Restarts,
    double Tolerance,
    int MaxIterations,
    double RegCovar,
    EmptyComponentAction OnEmpty,
    bool Labels = false,
    double LabelNoise = 0) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("gmm", Read,
        [Capabilities.Density, Capabilities.Moments, Capabilities.MixtureForm, Capabilities.ClassConditional],
        "data: { source: blobs, centers: 2, train: 60, test: 200 }\nmodel: { family: gmm, components: 2 }")
    {
        Metrics = [new EmptyComponentsMetric(), new ActiveComponentsMetric(), new EmIterationsMetric()],
    };

    public static readonly string[] Inits = ["kmeans++", "random", "warm"];

    public static readonly string[] EmptyActions = ["drop", "reseed"];

    public string Name => "gmm";

    public bool RecyclesSamples => true;

    public bool SamplesLabels => Labels;

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
        var labels = model.Bool("labels", false);
        if (!labels && model.Has("label_noise"))
        {
            throw model.Error("label_noise", "mislabels samples of a class-conditional model; add labels: true (with labelled data), or drop label_noise.");
        }
        var noise = labels ? model.Double("label_noise", 0, min: 0, max: 1) : 0;
        return new MixtureFamily(components, covariance, init, restarts, tolerance, maxIterations, regCovar, onEmpty, labels, noise);
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        var testLabels = (data.Test as RowBatch)?.Labels;
        if (Labels && testLabels is null)
        {
            throw model.Error("labels", $"a class-conditional gmm needs labelled rows, and this data ({data.Describe()}) has none. Use a mixture or blobs source with labels: true, or drop labels.");
        }
        if (Labels && testLabels!.Max() + 1 is var classes && classes > Components)
        {
            throw model.Error("components", $"the data has {classes} classes but components is {Components}; with labels: true give one component per class.");
        }
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
        if (Labels)
        {
            var labels = rows.Labels ?? throw new SpecException("model.labels: the training set has unlabelled rows (a policy mixed in rows without labels); every row of a class-conditional gmm's training set needs its class.");
            var (parameters, classOf) = new ExpectationMaximization(rows, this with { OnEmpty = EmptyComponentAction.Drop }, context.Threads).FitLabelled(labels);
            return new MixtureModel(parameters, null, Components) { ClassOf = classOf, ClassCount = Components, LabelNoise = LabelNoise };
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
