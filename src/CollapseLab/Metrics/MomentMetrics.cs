using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>Metrics on a model's mean and covariance against the real distribution's.</summary>
public abstract class MomentMetric : RowMetric, ILockstepMetric
{
    public override IReadOnlyList<Capability> Requires => [Capabilities.Moments];

    public override double Compute(MetricContext context)
    {
        var model = context.Model as IMomentModel
            ?? throw new InvalidOperationException($"{Name} needs a model with closed-form moments");
        return Compute(model.Mean, model.Covariance, (RowData)context.Data);
    }

    public bool Supports(IChainBlock block, ExperimentData data) => block is IMomentBlock && data is RowData;

    public void Compute(in LockstepMetricContext context, Span<double> destination)
    {
        var block = (IMomentBlock)context.Block;
        var real = (RowData)context.Data;
        for (var c = 0; c < destination.Length; c++)
        {
            destination[c] = Compute(block.Mean(c), block.Covariance(c), real);
        }
    }

    /// <param name="covariance">Row-major d×d.</param>
    protected abstract double Compute(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, RowData real);

    protected static double Trace(ReadOnlySpan<double> matrix, int d)
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

    protected override double Compute(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, RowData real) => Distance.Squared(mean, real.ReferenceMean);
}

public sealed class TraceRatioMetric : MomentMetric
{
    public override string Name => "trace_ratio";

    public override string Description => "tr(Σ̂)/tr(Σ), total model variance relative to the real (1 = none lost)";

    protected override double Compute(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, RowData real) =>
        Trace(covariance, real.Dim) / Trace(real.ReferenceCovariance, real.Dim);
}

public sealed class LogDetRatioMetric : MomentMetric
{
    public override string Name => "logdet_ratio";

    public override string Description => "ln det Σ̂ − ln det Σ (0 = same volume; −∞ once singular)";

    protected override double Compute(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, RowData real) =>
        new Cholesky(covariance, real.Dim).LogDeterminant - real.ReferenceFactor.LogDeterminant;
}

public sealed class VarianceMetric : MomentMetric
{
    public override string Name => "variance";

    public override string Description => "σ̂², the model variance (1-D data only)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        base.Unsupported(family, data) ?? (data is RowData { Dim: 1 } ? null : "is defined for 1-D data; use trace_ratio or logdet_ratio in d-D");

    protected override double Compute(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, RowData real) => covariance[0];
}
