using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

public sealed class TestNllMetric : RowMetric
{
    public override string Name => "test_nll";

    public override string Description => "mean negative log-likelihood of the real test set under the model, nats (+∞ off a degenerate model's support)";

    public override IReadOnlyList<Capability> Requires => [Capabilities.Density];

    public override double Compute(MetricContext context) =>
        ((IDensityModel)context.Model).TestNll((RowData)context.Data, context.Threads);
}

/// <summary>
/// The "tails vanish" signal: the probability the model puts beyond the real distribution's 0.5%/99.5% quantiles
/// (1-D) or its 99% Mahalanobis radius (d-D); 0.01 for a perfect model. Closed form for a 1-D Gaussian model,
/// otherwise a Monte-Carlo estimate from <see cref="Draws"/> model samples on the metric's own stream.
/// </summary>
public sealed class TailMassMetric : RowMetric, ILockstepMetric
{
    public const int Draws = 8_192;

    public override string Name => "tail_mass";

    public override string Description => $"model probability beyond the real 1% tail region (real: {TailRegion.Mass})";

    public override double Compute(MetricContext context)
    {
        var real = (RowData)context.Data;
        var tail = real.Tail;
        if (context.Model is IGaussianForm { Mean.Length: 1 } g)
        {
            return ScalarGaussian(g.Mean[0], g.Covariance[0], tail);
        }
        var samples = (RowBatch)context.Model.Sample(Draws, context.Stream, context.Threads);
        var work = new double[real.Dim];
        var beyond = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (tail.IsTail(samples.Row(i), real, work))
            {
                beyond++;
            }
        }
        return (double)beyond / samples.Count;
    }

    /// <summary>The closed form needs only a 1-D Gaussian's mean and variance, which such a block holds.</summary>
    public bool Supports(IChainBlock block, ExperimentData data) => block is IGaussianBlock { Dim: 1 } && data is RowData;

    public void Compute(in LockstepMetricContext context, Span<double> destination)
    {
        var block = (IGaussianBlock)context.Block;
        var tail = ((RowData)context.Data).Tail;
        for (var c = 0; c < destination.Length; c++)
        {
            destination[c] = ScalarGaussian(block.Mean(c)[0], block.Covariance(c)[0], tail);
        }
    }

    /// <summary>P(x &lt; low) + P(x &gt; high) under N(mean, variance).</summary>
    private static double ScalarGaussian(double mean, double variance, TailRegion tail)
    {
        var sd = Math.Sqrt(variance);
        if (sd == 0)
        {
            return mean < tail.Low || mean > tail.High ? 1 : 0;
        }
        return SpecialFunctions.NormalCdf((tail.Low - mean) / sd) + SpecialFunctions.NormalCdf((mean - tail.High) / sd);
    }
}

/// <summary>1 once the model is degenerate (zero or sub-resolution spread, singular covariance), else 0.</summary>
public sealed class CollapsedMetric : Metric, ILockstepMetric
{
    public override string Name => "collapsed";

    public override string Description => "1 when the model has degenerated (no spread left); the mean across replicates is the share collapsed";

    public override double Compute(MetricContext context) => context.Model.Degeneracy is null ? 0 : 1;

    public bool Supports(IChainBlock block, ExperimentData data) => true;

    public void Compute(in LockstepMetricContext context, Span<double> destination)
    {
        for (var c = 0; c < destination.Length; c++)
        {
            destination[c] = context.Block.Degeneracy(c) is null ? 0 : 1;
        }
    }
}
