using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Families.Gaussian;
using CollapseLab.Families.Mixture;

namespace CollapseLab.Metrics;

/// <summary>Views of models and data as Gaussian mixtures, for the closed-form mixture metrics.</summary>
public static class MixtureViews
{
    public static bool IsMixtureFamily(IFamily family) => family is MixtureFamily or GaussianFamily;

    /// <summary>The model's components: a fitted mixture's, or a Gaussian as one component.</summary>
    public static GaussianComponents Of(IModel model) => model switch
    {
        MixtureModel m => m.Components,
        GaussianModel g => new GaussianComponents(g.Dim, [1.0], g.Mean, [g.Covariance]),
        _ => throw new InvalidOperationException($"{model.GetType().Name} is not a Gaussian mixture"),
    };

    public const string NeedsTruth =
        "needs data whose exact mixture is known (source: blobs, mixture or gaussian); for other data use l2_to_model0";

    public const string NeedsMixture = "is closed-form for the gmm and gaussian families only";
}

public sealed class L2ToRealMetric : Metric
{
    public override string Name => "l2_to_real";

    public override string Description => "squared L2 distance ∫(p̂ − p)² dx between the model density and the real mixture (closed form; 0 = identical)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        !MixtureViews.IsMixtureFamily(family) ? MixtureViews.NeedsMixture
        : MixtureTruth.Of(data) is null ? MixtureViews.NeedsTruth
        : null;

    public override double Compute(MetricContext context) =>
        MixtureL2.Squared(MixtureViews.Of(context.Model), MixtureTruth.Of(context.Data)!);
}

public sealed class L2ToModel0Metric : Metric
{
    public override string Name => "l2_to_model0";

    public override string Description => "squared L2 distance ∫(p̂ − p̂₀)² dx between the model density and generation 0's (closed form)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        MixtureViews.IsMixtureFamily(family) && data is RowData ? null : MixtureViews.NeedsMixture;

    public override double Compute(MetricContext context) =>
        MixtureL2.Squared(MixtureViews.Of(context.Model), MixtureViews.Of(context.Model0));
}

/// <summary>A figure of the gmm family's own fit (its EM run), which other families do not have.</summary>
public abstract class MixtureFitMetric : Metric
{
    public override string? Unsupported(IFamily family, ExperimentData data) =>
        family is MixtureFamily ? null : "is reported by the gmm family only";
}

/// <summary>Components emptied (or singular) during this generation's EM, dropped or re-seeded per model.empty.</summary>
public sealed class EmptyComponentsMetric : MixtureFitMetric
{
    public override string Name => "empty_components";

    public override string Description => "components that lost their data (or became singular) during this generation's EM and were dropped or re-seeded";

    public override double Compute(MetricContext context) => ((MixtureModel)context.Model).Fit?.EmptiedComponents ?? 0;
}

public sealed class ActiveComponentsMetric : MixtureFitMetric
{
    public override string Name => "active_components";

    public override string Description => "components the fitted mixture holds (below model.components once components were dropped)";

    public override double Compute(MetricContext context) => ((MixtureModel)context.Model).Components.Count;
}

public sealed class EmIterationsMetric : MixtureFitMetric
{
    public override string Name => "em_iterations";

    public override string Description => "EM iterations of the kept fit (max_iter when it stopped before converging)";

    public override double Compute(MetricContext context) => ((MixtureModel)context.Model).Fit?.Iterations ?? 0;
}
