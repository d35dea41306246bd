using CollapseLab.Data;
using CollapseLab.Families;

namespace CollapseLab.Metrics;

/// <summary>
/// A metric that computes its value for every chain of a lockstep block at once, from the block's arrays
/// instead of a model object per chain. The values are the bits <see cref="Metric.Compute"/> gives each chain.
/// </summary>
public interface ILockstepMetric
{
    /// <summary>True when <see cref="Compute"/> can run on this block (it has what the metric reads) and data.</summary>
    bool Supports(IChainBlock block, ExperimentData data);

    /// <summary>destination[c] = chain c's value at this generation, for every chain of the block.</summary>
    void Compute(in LockstepMetricContext context, Span<double> destination);
}

/// <summary>One generation of a lockstep block: every chain trained on a set of the same <see cref="Composition"/>.</summary>
public readonly record struct LockstepMetricContext(int Generation, IChainBlock Block, ExperimentData Data, Policies.Composition Composition);
