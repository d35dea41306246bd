using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Curation;

/// <summary>
/// The ordered steps between Sample and Policy. Survivors stay generation g's synthetic batch, so the provenance
/// ledger keeps their origin. A step that keeps nothing is a result, not a failure: the record says kept 0 and the
/// generation's samples go on uncurated (see <see cref="CurationPass.KeptNothing"/>), since nothing can be fitted on
/// an empty set.
/// </summary>
public sealed class CurationStage(IReadOnlyList<CurationStep> steps)
{
    public static CurationStage None { get; } = new([]);

    public IReadOnlyList<CurationStep> Steps { get; } = steps;

    public bool IsEmpty => Steps.Count == 0;

    public string Describe() => IsEmpty ? "none" : string.Join(" → ", Steps.Select(s => s.Describe()));

    /// <summary>The origin of real items in <see cref="CurationInput.Origins"/>.</summary>
    public const int RealOrigin = -1;

    /// <summary>
    /// Runs every step in order on generation <paramref name="generation"/>'s samples, or on a candidate pool whose
    /// items have the given <paramref name="origins"/> (default: all of this generation). Each step's kept fraction
    /// and real share before and after are measured against the origins while the step reports which items it kept.
    /// </summary>
    public CurationPass Apply(int generation, DataBatch samples, IModel model, ExperimentData data, StreamKey stream, int threads,
        IReadOnlyList<int>? origins = null)
    {
        var records = new CurationRecord[Steps.Count];
        var measures = new List<CurationMeasure>();
        var current = samples;
        var start = origins ?? Enumerable.Repeat(generation, samples.Count).ToArray();
        IReadOnlyList<int>? known = start;
        string? keptNothing = null;
        for (var k = 0; k < Steps.Count; k++)
        {
            var step = Steps[k];
            var input = new CurationInput(generation, current, model, data, stream.Named(step.Name), threads) { Origins = known ?? [] };
            var outcome = step.Apply(input);
            records[k] = new CurationRecord(generation, k, current.Count, outcome.Kept.Count, outcome.Changed);
            var after = outcome.Indices is { } kept && known is not null ? kept.Select(i => known[i]).ToArray()
                : outcome.Kept.Count == current.Count ? known : null;
            measures.Add(new(generation, k, "kept_fraction", current.Count == 0 ? 0 : (double)outcome.Kept.Count / current.Count));
            if (known is not null && after is not null)
            {
                measures.Add(new(generation, k, "real_share_before", RealShare(known)));
                measures.Add(new(generation, k, "real_share_after", RealShare(after)));
            }
            measures.AddRange(outcome.Measures.Select(m => new CurationMeasure(generation, k, m.Name, m.Value)));
            if (outcome.Kept.Count == 0)
            {
                keptNothing = $"curation step '{step.Name}' kept none of generation {generation}'s {current.Count} samples; they were used uncurated";
                current = samples;
                known = start;
                break;
            }
            current = outcome.Kept;
            known = after;
        }
        return new CurationPass(current, records, keptNothing) { Origins = known, Measures = measures };
    }

    private static double RealShare(IReadOnlyList<int> origins) =>
        origins.Count == 0 ? 0 : (double)origins.Count(o => o == RealOrigin) / origins.Count;
}

/// <summary>The survivors of one generation's curation, each step's record, and why curation was bypassed (or null).</summary>
public sealed record CurationPass(DataBatch Survivors, CurationRecord[] Records, string? KeptNothing)
{
    /// <summary>The survivors' origins, when every step said which items it kept (else null).</summary>
    public IReadOnlyList<int>? Origins { get; init; }

    public IReadOnlyList<CurationMeasure> Measures { get; init; } = [];
}
