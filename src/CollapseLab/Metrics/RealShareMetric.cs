using CollapseLab.Data;
using CollapseLab.Families;

namespace CollapseLab.Metrics;

/// <summary>The share of the generation's training set that is real data (the provenance ledger's headline).</summary>
public sealed class RealShareMetric : Metric, ILockstepMetric
{
    public override string Name => "real_share";

    public override string Description => "share of the training set that is real data (1 at generation 0)";

    public override double Compute(MetricContext context) => context.Composition?.RealShare ?? 1;

    public bool Supports(IChainBlock block, ExperimentData data) => true;

    public void Compute(in LockstepMetricContext context, Span<double> destination) => destination.Fill(context.Composition.RealShare);
}
