using CollapseLab.Random;

namespace CollapseLab.Data;

/// <summary>
/// The real data of one experiment: a held-out test set shared by every replicate and arm (never trained on),
/// the real pool each replicate trains generation 0 on, and fresh real draws for the fresh-real policy.
/// </summary>
public abstract class ExperimentData
{
    public abstract DataKind Kind { get; }

    public abstract DataBatch Test { get; }

    /// <summary>Size of each replicate's real pool.</summary>
    public abstract int PoolSize { get; }

    /// <summary>The real pool of one replicate: the same whatever the arm, so arms compare fairly.</summary>
    public abstract DataBatch Pool(ulong seed, int replicate);

    /// <summary>Real samples that are new to the chain, for the fresh-real policy.</summary>
    public abstract DataBatch Fresh(int count, StreamKey stream);

    /// <summary>One line for reports and the CLI, e.g. "N(0, 1·I), d=1" or "data.csv: 1,000 rows × 3".</summary>
    public abstract string Describe();
}
