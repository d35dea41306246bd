using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Curation;

/// <summary>
/// One step of the curation stage: it sees a generation's synthetic samples (what earlier steps kept) and returns
/// what it keeps, possibly changed. Steps are immutable; all randomness comes from <see cref="CurationInput.Stream"/>,
/// the step's own named stream.
/// </summary>
public abstract class CurationStep
{
    /// <summary>The registered name, e.g. "dedup"; also the name of the step's random stream.</summary>
    public abstract string Name { get; }

    /// <summary>What the model must be able to do for this step (e.g. a watermarkable sampler).</summary>
    public virtual IReadOnlyList<Capability> Requires => [];

    /// <summary>
    /// Why this step cannot run on <paramref name="data"/> with batches of <paramref name="samples"/> items (e.g. it
    /// needs the data's exact truth, or its cost caps the batch size), or null; checked when the spec loads.
    /// </summary>
    public virtual string? Unsupported(ExperimentData data, int samples) => null;

    /// <summary>True when this step reads the samples' class labels on <paramref name="data"/>, so the family must sample labelled rows.</summary>
    public virtual bool NeedsLabels(ExperimentData data) => false;

    /// <summary>A human summary with the options, e.g. "dedup (exact)".</summary>
    public abstract string Describe();

    public abstract CurationOutcome Apply(CurationInput input);
}

/// <summary>What a step may look at: the samples it is given, the model that drew them, the real data, its stream, and model₀ (the chain's generation-0 model; null outside a chain, where steps fall back to Model).</summary>
public readonly record struct CurationInput(int Generation, DataBatch Samples, IModel Model, ExperimentData Data, StreamKey Stream, int Threads, IModel? Model0 = null)
{
    /// <summary>
    /// The ledger's origin of each sample (<see cref="CurationStage.RealOrigin"/> or a generation). Only the oracle
    /// may read it; other steps judge the samples alone, and the stage scores them against it.
    /// </summary>
    public IReadOnlyList<int> Origins { get; init; } = [];
}

/// <summary>The items a step keeps (in their original order), and how many of them it changed.</summary>
public sealed record CurationOutcome(DataBatch Kept, int Changed = 0)
{
    /// <summary>Which input items the kept ones are (repeats allowed, for resampling); null when the step says nothing.</summary>
    public int[]? Indices { get; init; }

    /// <summary>Named figures of this step, e.g. a detector's TPR and FPR against the ledger.</summary>
    public IReadOnlyList<(string Name, double Value)> Measures { get; init; } = [];

    /// <summary>The items of <paramref name="samples"/> at <paramref name="keep"/> (ascending, or with repeats when resampling), saying which.</summary>
    public static CurationOutcome Keep(DataBatch samples, int[] keep) =>
        keep.Length == samples.Count && keep.Select((i, k) => i == k).All(same => same)
            ? new CurationOutcome(samples)
            : new CurationOutcome(samples.Compose([new BatchPart(samples, keep)])) { Indices = keep };
}

/// <summary>One step's account of one generation: items seen, kept and changed.</summary>
public readonly record struct CurationRecord(int Generation, int Step, int Seen, int Kept, int Changed);

/// <summary>One named figure of one step and generation (curation_measures.csv).</summary>
public readonly record struct CurationMeasure(int Generation, int Step, string Name, double Value);
