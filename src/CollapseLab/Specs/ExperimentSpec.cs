using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Metrics;
using CollapseLab.Policies;

namespace CollapseLab.Specs;

/// <summary>A validated experiment: every arm fully resolved, its real data loaded.</summary>
public sealed record ExperimentSpec(
    string Name,
    string Description,
    ulong Seed,
    int Generations,
    int Replicates,
    IReadOnlyList<ArmSpec> Arms,
    IReadOnlyList<Metric> Metrics,
    OutputSpec Output,
    OrderedDictionary<string, object> Resolved)
{
    public int ChainCount => Arms.Count * Replicates;

    /// <summary>The registries the spec was read against; theory, reports and refusals consult the same ones.</summary>
    public Extending.Catalog Catalog { get; init; } = Extending.Catalog.BuiltIn;
}

/// <summary>One variant of the experiment; arms share real data streams and seeds.</summary>
public sealed record ArmSpec(
    string Name,
    int Index,
    ExperimentData Data,
    IFamily Family,
    Policy Policy,
    int SamplesPerGeneration)
{
    /// <summary>What is done to each generation's samples before the policy sees them.</summary>
    public CollapseLab.Curation.CurationStage Curation { get; init; } = CollapseLab.Curation.CurationStage.None;

    /// <summary>What watches this arm's chains for collapse and acts on an alarm; null when nothing does.</summary>
    public CollapseLab.Monitoring.MonitorSpec? Monitor { get; init; }
}

/// <summary>
/// What a run keeps beyond the metrics: per-sample values and sample previews for the first
/// <see cref="SampleValueReplicates"/> replicates (previews: <see cref="Previews"/> items a generation, or a
/// default by data kind when null), and the full training-set composition by origin for the first
/// <see cref="CompositionReplicates"/> (under accumulate it grows with the generation, so keeping it for every
/// replicate would cost O(G²) each; every replicate records its real share as the metric real_share).
/// <see cref="Format"/> is how the per-replicate metrics are stored: auto (CSV, or Parquet past the row limit),
/// csv, or parquet.
/// </summary>
public sealed record OutputSpec(int SampleValueReplicates, int? Previews, int CompositionReplicates = 10, string Format = "auto")
{
    public int PreviewCount(DataKind kind) => Previews ?? (kind == DataKind.Rows ? 200 : 8);

    public static OutputSpec Read(SpecReader output)
    {
        var replicates = output.Int("sample_values", 1, min: 0);
        int? previews = output.Has("previews") ? output.Int("previews", null, min: 0, max: 100_000) : null;
        output.Node("previews");
        var composition = output.Int("composition", 10, min: 1);
        var format = output.Choice("format", "auto", ["auto", "csv", "parquet"]);
        return new OutputSpec(replicates, previews, composition, format);
    }
}
