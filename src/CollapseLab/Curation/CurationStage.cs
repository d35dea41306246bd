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

    /// <summary>Runs every step in order on generation <paramref name="generation"/>'s samples.</summary>
    public CurationPass Apply(int generation, DataBatch samples, IModel model, ExperimentData data, StreamKey stream, int threads)
    {
        var records = new CurationRecord[Steps.Count];
        var current = samples;
        string? keptNothing = null;
        for (var k = 0; k < Steps.Count; k++)
        {
            var step = Steps[k];
            var outcome = step.Apply(new CurationInput(generation, current, model, data, stream.Named(step.Name), threads));
            records[k] = new CurationRecord(generation, k, current.Count, outcome.Kept.Count, outcome.Changed);
            if (outcome.Kept.Count == 0)
            {
                keptNothing = $"curation step '{step.Name}' kept none of generation {generation}'s {current.Count} samples; they were used uncurated";
                current = samples;
                break;
            }
            current = outcome.Kept;
        }
        return new CurationPass(current, records, keptNothing);
    }
}

/// <summary>The survivors of one generation's curation, each step's record, and why curation was bypassed (or null).</summary>
public sealed record CurationPass(DataBatch Survivors, CurationRecord[] Records, string? KeptNothing);
