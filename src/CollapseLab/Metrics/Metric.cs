using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Metrics;

/// <summary>
/// A number per generation: against the real test data or distribution, against model₀, or on the samples.
/// Degenerate models give ±∞ where that is the true value (e.g. KL to a zero-variance model), never NaN.
/// </summary>
public abstract class Metric : Extending.IRegistered
{
    public abstract string Name { get; }

    /// <summary>One line for `collapse show` and reports, with the unit or direction.</summary>
    public abstract string Description { get; }

    /// <summary>What the model must be able to do; the catalog refuses a family without it, naming the families that have it.</summary>
    public virtual IReadOnlyList<Capability> Requires => [];

    /// <summary>Why this metric cannot be computed on this data (beyond <see cref="Requires"/>), or null when it can.</summary>
    public virtual string? Unsupported(IFamily family, ExperimentData data) => null;

    /// <summary>Why this metric cannot be computed for an arm with these curation steps (e.g. it needs a reward step), or null.</summary>
    public virtual string? UnsupportedCuration(IReadOnlyList<CurationStep> steps) => null;

    public abstract double Compute(MetricContext context);
}

/// <summary>Everything a metric may look at for one generation of one chain (a struct, made once a generation).</summary>
public readonly record struct MetricContext(
    int Generation,
    IModel Model,
    IModel Model0,
    ExperimentData Data,
    DataBatch Train,
    DataBatch Samples,
    StreamKey Stream,
    int Threads,
    SampleValueSink? SampleValues = null,
    Policies.Composition? Composition = null,
    IReadOnlyList<CurationStep>? CurationSteps = null)
{
    /// <summary>True when this chain keeps per-sample values (see <see cref="SampleValueSink"/>).</summary>
    public bool RecordsSampleValues => SampleValues is not null;
}

/// <summary>
/// Where a metric stores per-sample values (e.g. each sample's perplexity under model₀) so reports can draw
/// their distribution by generation. Only the first few replicates record them (spec: output.sample_values).
/// </summary>
public sealed class SampleValueSink(int generation, List<SampleValues> into)
{
    public void Record(string name, double[] values) => into.Add(new SampleValues(generation, name, values));
}

/// <summary>Per-sample values of one generation.</summary>
public sealed record SampleValues(int Generation, string Name, double[] Values);
