using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>Metrics on a model's mean and covariance against the real distribution's.</summary>
public abstract class MomentMetric : RowMetric
{
    public override IReadOnlyList<Capability> Requires => [Capabilities.Moments];

    public override double Compute(MetricContext context)
    {
        var model = context.Model as IMomentModel
            ?? throw new InvalidOperationException($"{Name} needs a model with closed-form moments");
        return Compute(model, (RowData)context.Data);
    }

    protected abstract double Compute(IMomentModel model, RowData real);

    protected static double Trace(double[] matrix, int d)
    {
        var t = 0.0;
        for (var i = 0; i < d; i++)
        {
            t += matrix[i * d + i];
        }
        return t;
    }
}

public sealed class MeanSquaredErrorMetric : MomentMetric
{
    public override string Name => "mean_sq_error";

    public override string Description => "‖μ̂ − μ‖², squared distance of the model mean from the real mean";

    protected override double Compute(IMomentModel model, RowData real) => Distance.Squared(model.Mean, real.ReferenceMean);
}

public sealed class TraceRatioMetric : MomentMetric
{
    public override string Name => "trace_ratio";

    public override string Description => "tr(Σ̂)/tr(Σ), total model variance relative to the real (1 = none lost)";

    protected override double Compute(IMomentModel model, RowData real) =>
        Trace(model.Covariance, real.Dim) / Trace(real.ReferenceCovariance, real.Dim);
}

public sealed class LogDetRatioMetric : MomentMetric
{
    public override string Name => "logdet_ratio";

    public override string Description => "ln det Σ̂ − ln det Σ (0 = same volume; −∞ once singular)";

    protected override double Compute(IMomentModel model, RowData real) =>
        new Cholesky(model.Covariance, real.Dim).LogDeterminant - real.ReferenceFactor.LogDeterminant;
}

public sealed class VarianceMetric : MomentMetric
{
    public override string Name => "variance";

    public override string Description => "σ̂², the model variance (1-D data only)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        base.Unsupported(family, data) ?? (data is RowData { Dim: 1 } ? null : "is defined for 1-D data; use trace_ratio or logdet_ratio in d-D");

    protected override double Compute(IMomentModel model, RowData real) => model.Covariance[0];
}
