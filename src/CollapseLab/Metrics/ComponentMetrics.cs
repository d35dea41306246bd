using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Families.Mixture;

namespace CollapseLab.Metrics;

/// <summary>
/// Per-component tracking against the real mixture (see <see cref="ComponentMatch"/>): one summary number per
/// generation and, for some, the per-component values (indexed by real component) recorded to
/// sample_values.csv for the replicates that keep them.
/// </summary>
public abstract class ComponentMetric : Metric
{
    public override IReadOnlyList<Capability> Requires => [Capabilities.MixtureForm];

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        MixtureTruth.Of(data) is null ? "needs data whose mixture components are known (source: blobs, mixture or gaussian)"
        : null;

    public override double Compute(MetricContext context)
    {
        var real = MixtureTruth.Of(context.Data)!;
        var match = ComponentMatch.Of(MixtureViews.Of(context.Model), real);
        if (PerComponent(match) is var (name, values))
        {
            context.SampleValues?.Record(name, values);
        }
        return Summarise(match, real);
    }

    /// <summary>Per-component values to record, or null when another metric records them.</summary>
    protected virtual (string Name, double[] Values)? PerComponent(ComponentMatch match) => null;

    protected abstract double Summarise(ComponentMatch match, GaussianComponents real);
}

public sealed class MinComponentWeightMetric : ComponentMetric
{
    public override string Name => "min_component_weight";

    public override string Description => "smallest model weight of any real component after matching (0 = a real mode is lost); per-component weights go to sample_values";

    protected override (string, double[])? PerComponent(ComponentMatch match) => ("component_weight", match.Weights);

    protected override double Summarise(ComponentMatch match, GaussianComponents real) => match.Weights.Min();
}

public sealed class MaxWeightErrorMetric : ComponentMetric
{
    public override string Name => "max_weight_error";

    public override string Description => "largest |ŵ_j − w_j| over real components after matching (0 = weights kept)";

    protected override double Summarise(ComponentMatch match, GaussianComponents real) =>
        match.Weights.Select((w, j) => Math.Abs(w - real.Weights[j])).Max();
}

public sealed class MaxMeanShiftMetric : ComponentMetric
{
    public override string Name => "max_mean_shift";

    public override string Description => "largest distance ‖μ̂_j − μ_j‖ between a real component's mean and its matched model mean; per-component shifts go to sample_values";

    protected override (string, double[])? PerComponent(ComponentMatch match) => ("component_mean_shift", match.MeanShifts);

    protected override double Summarise(ComponentMatch match, GaussianComponents real) => match.MeanShifts.Max();
}

public sealed class MinSpreadRatioMetric : ComponentMetric
{
    public override string Name => "min_spread_ratio";

    public override string Description => "smallest tr(Σ̂_j)/tr(Σ_j) over real components (1 = spread kept; → 0 as components collapse); per-component ratios go to sample_values";

    protected override (string, double[])? PerComponent(ComponentMatch match) => ("component_spread_ratio", match.SpreadRatios);

    protected override double Summarise(ComponentMatch match, GaussianComponents real) => match.SpreadRatios.Min();
}

public sealed class MaxSpreadRatioMetric : ComponentMetric
{
    public override string Name => "max_spread_ratio";

    public override string Description => "largest tr(Σ̂_j)/tr(Σ_j) over real components (> 1 when one model component covers several real ones)";

    protected override double Summarise(ComponentMatch match, GaussianComponents real) => match.SpreadRatios.Max();
}
