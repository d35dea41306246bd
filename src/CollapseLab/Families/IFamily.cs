using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Families;

/// <summary>
/// A kind of generative model with its options (an immutable record). Fitting returns a new immutable model;
/// nothing is mutated, so models of every generation can be kept and compared.
/// </summary>
public interface IFamily
{
    /// <summary>The spec name, e.g. "gaussian".</summary>
    string Name { get; }

    DataKind Kind { get; }

    /// <summary>Metrics computed when a spec names none.</summary>
    IReadOnlyList<string> DefaultMetrics { get; }

    /// <summary>Throws a <see cref="Specs.SpecException"/> when these options cannot work on this data or size.</summary>
    void Validate(ExperimentData data, int smallestTrainingSet, Specs.SpecReader model);

    IModel Fit(DataBatch train, FitContext context);

    /// <summary>
    /// True when a fit starts from the previous generation's model (a warm start). Such a chain saves the models it
    /// needs, so a resume continues from them; without them it reruns from generation 0, which gives the same bits.
    /// </summary>
    bool WarmStartsFromPrevious => false;

    /// <summary>
    /// True when a model keeps no reference to data older than its own training set and samples rows through
    /// <see cref="ChunkedRows"/>. A chain may then hand a dropped generation's rows back for a later generation's
    /// samples, once the model trained on them is gone, instead of allocating new ones.
    /// </summary>
    bool RecyclesSamples => false;

    /// <summary>True when this family, with these options, samples rows carrying class labels (e.g. gmm with labels: true).</summary>
    bool SamplesLabels => false;
}

/// <summary>
/// What a fit may use besides the data: its own random stream, the thread budget, earlier models (for warm
/// starts), and the chain's real pool (e.g. the fixed design of a regression). <see cref="ModelDirectory"/>, when
/// set (first replicate of a run with a folder), is where a family that keeps its fitted models writes them.
/// A struct: a chain makes one every generation, and the long scalar chains feel each allocation.
/// </summary>
public readonly record struct FitContext(int Generation, StreamKey Stream, int Threads, IModel? Previous, IModel? Model0, DataBatch RealPool)
{
    public string? ModelDirectory { get; init; }

    /// <summary>
    /// The GEMM and thread budget of a fit's tensor work, entered by the fit. By default the compute entered on the
    /// thread that makes this context (a chain enters its own), with <see cref="Threads"/> threads.
    /// </summary>
    public CollapseLab.Tensors.Compute Compute { get; init; } = CollapseLab.Tensors.Compute.Current.WithThreads(Threads);

    /// <summary>The real data behind the pool, for families that use its known truth (e.g. the regression noise).</summary>
    public ExperimentData? RealData { get; init; }
}

/// <summary>A fitted, immutable member of a family.</summary>
public interface IModel
{
    /// <summary>Draws <paramref name="count"/> samples. Large draws are split into chunks with their own streams
    /// (<see cref="StreamKey.WithChunk"/>), so the bits do not depend on <paramref name="threads"/>.</summary>
    DataBatch Sample(int count, StreamKey stream, int threads);

    /// <summary>Why this model is degenerate (e.g. "variance is zero"), or null. Degenerate models are results.</summary>
    string? Degeneracy { get; }
}
