using CollapseLab.Families;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Median over (up to 1000 of) a generation's samples of each sample's x̂₀ variance over the sampler's last k
/// reverse steps (<see cref="ITrajectoryVariance"/>; standardised units). Each sample's value is kept where the
/// chain records per-sample values, so a report draws its distribution by generation.
/// </summary>
public sealed class TrajectoryVarianceMetric : SampleMetric
{
    public const int Size = 1000;

    public override string Name => "trajectory_variance";

    public override string Description => "median per-sample variance of the predicted clean sample x̂₀ over the last k reverse steps (standardised units)";

    public override IReadOnlyList<Capability> Requires => [Capabilities.TrajectoryVariance];

    public override double Compute(MetricContext context)
    {
        var model = (ITrajectoryVariance)context.Model;
        var rows = SampleSets.GeneratedRows(context, Size);
        var values = model.TrajectoryVariance(rows, model.DefaultTrajectorySteps, context.Stream, context.Threads);
        context.SampleValues?.Record(Name, values);
        if (values.Length == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
