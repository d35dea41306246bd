using CollapseLab.Data;
using CollapseLab.Families;

namespace CollapseLab.Metrics;

/// <summary>
/// The real-test accuracy of the model as a classifier: the share of the labelled real test rows whose most probable
/// class under the model is their label. For a class-conditional model trained on verified synthetic data this is
/// Feng et al.'s downstream accuracy; generation 0 (trained on real data) is the real-data reference.
/// </summary>
public sealed class TestAccuracyMetric : Metric
{
    public override string Name => "test_accuracy";

    public override string Description => "share of the labelled real test rows the model classifies as their label (higher is better)";

    public override IReadOnlyList<Capability> Requires => [Capabilities.ClassConditional];

    public override string? Unsupported(IFamily family, ExperimentData data) => data.Test is RowBatch { Labels: not null } ? null
        : "needs labelled real rows (a mixture or blobs source with labels: true)";

    public override double Compute(MetricContext context)
    {
        var model = (IClassConditional)context.Model;
        var test = (RowBatch)context.Data.Test;
        var right = 0;
        for (var i = 0; i < test.Count; i++)
        {
            right += model.Classify(test.Row(i)) == test.Labels![i] ? 1 : 0;
        }
        return (double)right / test.Count;
    }
}
