using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Families.Mixture;

namespace CollapseLab.Metrics;

/// <summary>What the closed-form mixture metrics share.</summary>
public static class MixtureViews
{
    /// <summary>The model's components (a single Gaussian is one).</summary>
    public static GaussianComponents Of(IModel model) => ((IMixtureForm)model).Components;

    public const string NeedsTruth =
        "needs data whose exact mixture is known (source: blobs, mixture or gaussian); for other data use l2_to_model0";
}

public sealed class L2ToRealMetric : Metric
{
    public override string Name => "l2_to_real";

    public override string Description => "squared L2 distance ∫(p̂ − p)² dx between the model density and the real mixture (closed form; 0 = identical)";

    public override IReadOnlyList<Capability> Requires => [Capabilities.MixtureForm];

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        MixtureTruth.Of(data) is null ? MixtureViews.NeedsTruth : null;

    public override double Compute(MetricContext context) =>
        MixtureL2.Squared(MixtureViews.Of(context.Model), MixtureTruth.Of(context.Data)!);
}

public sealed class L2ToModel0Metric : Metric
{
    public override string Name => "l2_to_model0";

    public override string Description => "squared L2 distance ∫(p̂ − p̂₀)² dx between the model density and generation 0's (closed form)";

    public override IReadOnlyList<Capability> Requires => [Capabilities.MixtureForm];

    public override double Compute(MetricContext context) =>
        MixtureL2.Squared(MixtureViews.Of(context.Model), MixtureViews.Of(context.Model0));
}
