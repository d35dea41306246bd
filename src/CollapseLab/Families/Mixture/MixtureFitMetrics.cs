using CollapseLab.Metrics;

namespace CollapseLab.Families.Mixture;

/// <summary>A figure of the gmm family's own fit (its EM run), which other families do not have.</summary>
public abstract class MixtureFitMetric : Metric
{
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
