namespace CollapseLab.Families;

/// <summary>
/// Something a family's models (or, where <see cref="OfFamily"/>, the family itself) can do, named for messages.
/// A family declares its capabilities when it is registered; metrics, theory, reports and curation steps ask for
/// capabilities and never for concrete families. <see cref="Provider"/> is the interface that delivers it, which
/// the family contract test checks every declaration against.
/// </summary>
public sealed record Capability(string Name, string Description, Type Provider, bool OfFamily = false)
{
    /// <summary>True when <paramref name="family"/>, or a model it fitted, implements <see cref="Provider"/>.</summary>
    public bool IsProvidedBy(IFamily family, IModel model) => Provider.IsInstanceOfType(OfFamily ? family : model);
}

/// <summary>The capabilities the built-in metrics, theory and curation steps ask for.</summary>
public static class Capabilities
{
    public static readonly Capability Density = new("density", "a density over numeric rows", typeof(IDensityModel));

    public static readonly Capability Moments = new("moments", "a closed-form mean and covariance", typeof(IMomentModel));

    public static readonly Capability GaussianForm = new("gaussian_form", "a single Gaussian in closed form", typeof(IGaussianForm));

    public static readonly Capability MixtureForm = new("mixture_form", "a Gaussian-mixture form (weights, means, covariances)", typeof(IMixtureForm));

    public static readonly Capability LinearPredictor = new("linear_predictor", "a linear predictor of y from x with its weights", typeof(ILinearPredictor));

    public static readonly Capability SequenceLogProb = new("sequence_log_prob", "per-sequence log-probabilities and next-token distributions (a language model)", typeof(Language.ILanguageModel));

    /// <summary>Sampled through the shared generator, so <c>sampling.watermark</c> applies and its texts can be scored.</summary>
    public static readonly Capability Watermarkable = new("watermarkable", "watermarked sampling through the shared text generator (a language model)", typeof(Language.ILanguageModel));

    public static readonly Capability SavedWeights = new("saved_weights", "fitted models saved to disk and read back", typeof(ISavedModels), OfFamily: true);

    public static readonly Capability TrajectoryVariance = new("trajectory_variance", "per-sample variance of the predicted clean sample over the last reverse steps (a diffusion model)", typeof(ITrajectoryVariance));

    /// <summary>Rows sampled with their class (a mixture's component), and a classifier of rows: labelled verification and test accuracy.</summary>
    public static readonly Capability ClassConditional = new("class_conditional", "class-conditional sampling (rows with their class; for a mixture the component) and a classifier of rows", typeof(IClassConditional));

    /// <summary>Many chains advanced side by side in flat arrays, for models whose cost is per generation (the runner's lockstep path).</summary>
    public static readonly Capability Lockstep = new("lockstep", "a block of chains fitted and sampled side by side in flat arrays", typeof(ILockstepFamily), OfFamily: true);

    public static IReadOnlyList<Capability> All { get; } = [Density, Moments, GaussianForm, MixtureForm, LinearPredictor, SequenceLogProb, Watermarkable, SavedWeights, TrajectoryVariance, ClassConditional, Lockstep];
}
