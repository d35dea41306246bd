using System.Diagnostics;
using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Curation;

/// <summary>
/// The ordered steps between Sample and Policy. Survivors stay generation g's synthetic batch, so the provenance
/// ledger keeps their origin. With <see cref="MaxDraws"/> above 1 the stage tops up: while fewer than the requested
/// count survive, it asks for another batch (each round drawn on its own stream) and curates it, up to
/// <see cref="MaxDraws"/> batches in all. Survivors beyond the requested count are dropped from the last round.
/// Keeping under <see cref="MinAcceptance"/> of what was drawn, or nothing at all, is a result, not a failure: the pass
/// says why (<see cref="CurationPass.Shortfall"/>); with nothing kept the generation's samples go on uncurated, since
/// nothing can be fitted on an empty set.
/// </summary>
public sealed class CurationStage(IReadOnlyList<CurationStep> steps, int maxDraws = 1)
{
    /// <summary>Below this share kept, topping up to the requested count would take over 100 batches: the stage stops.</summary>
    public const double MinAcceptance = 0.01;

    public static CurationStage None { get; } = new([]);

    public IReadOnlyList<CurationStep> Steps { get; } = steps;

    /// <summary>Batches sampled per generation at most (1: no top-up).</summary>
    public int MaxDraws { get; } = maxDraws;

    public bool IsEmpty => Steps.Count == 0;

    public string Describe() => IsEmpty ? "none"
        : string.Join(" → ", Steps.Select(s => s.Describe())) + (MaxDraws > 1 ? $" (top-up ≤ {MaxDraws} draws)" : "");

    /// <summary>Runs every step in order on generation <paramref name="generation"/>'s samples (no top-up).</summary>
    public CurationPass Apply(int generation, DataBatch samples, IModel model, ExperimentData data, StreamKey stream, int threads) =>
        Apply(generation, samples, _ => samples, model, data, stream, threads);

    /// <summary>
    /// Curates <paramref name="first"/>, then, while fewer than its count survive and the cap allows, the batches
    /// <paramref name="draw"/> gives for rounds 1, 2, … (each a fresh draw of the same size).
    /// </summary>
    public CurationPass Apply(int generation, DataBatch first, Func<int, DataBatch> draw, IModel model, ExperimentData data, StreamKey stream, int threads, IModel? model0 = null)
    {
        var target = first.Count;
        var records = Steps.Select((_, k) => new CurationRecord(generation, k, 0, 0, 0)).ToArray();
        var seconds = new double[Steps.Count];
        var survivors = new List<DataBatch>();
        var kept = 0;
        var drawn = 0;
        string? stopped = null;
        for (var round = 0; round < MaxDraws && kept < target; round++)
        {
            var batch = round == 0 ? first : draw(round);
            drawn += batch.Count;
            // Round 0 keeps the step's own stream (so a stage without top-up draws as before); later rounds get their own.
            var roundStream = round == 0 ? stream : stream.Named($"top-up-{round}");
            var (current, reason) = Curate(generation, batch, model, model0, data, roundStream, threads, records, seconds);
            if (reason is not null)
            {
                stopped = round == 0 ? $"{reason}; they were used uncurated" : $"{reason} in top-up draw {round}; the survivors of the {round} draw(s) before were used";
                break;
            }
            survivors.Add(current);
            kept += current.Count;
            if (kept < MinAcceptance * drawn)
            {
                stopped = $"curation kept {kept} of generation {generation}'s {drawn} samples (under 1%) in {round + 1} draw(s); it stopped topping up and used the survivors";
                break;
            }
        }
        if (kept == 0)
        {
            return new CurationPass(first, records, stopped ?? $"curation kept none of generation {generation}'s samples; they were used uncurated", seconds);
        }
        var parts = new List<BatchPart>();
        var left = target;
        foreach (var batch in survivors.TakeWhile(_ => left > 0))
        {
            parts.Add(batch.Count <= left ? new BatchPart(batch, null) : new BatchPart(batch, Enumerable.Range(0, left).ToArray()));
            left -= Math.Min(left, batch.Count);
        }
        var result = parts.Count == 1 && parts[0].Indices is null ? survivors[0] : first.Compose(parts);
        return new CurationPass(result, records, stopped, seconds);
    }

    /// <summary>One batch through every step, adding to the records; the reason when a step kept nothing.</summary>
    private (DataBatch Kept, string? Reason) Curate(int generation, DataBatch batch, IModel model, IModel? model0, ExperimentData data, StreamKey stream, int threads,
        CurationRecord[] records, double[] seconds)
    {
        var current = batch;
        for (var k = 0; k < Steps.Count; k++)
        {
            var step = Steps[k];
            var clock = Stopwatch.StartNew();
            var outcome = step.Apply(new CurationInput(generation, current, model, data, stream.Named(step.Name), threads, model0));
            seconds[k] += clock.Elapsed.TotalSeconds;
            var before = records[k];
            records[k] = new CurationRecord(generation, k, before.Seen + current.Count, before.Kept + outcome.Kept.Count, before.Changed + outcome.Changed);
            if (outcome.Kept.Count == 0)
            {
                return (outcome.Kept, $"curation step '{step.Name}' kept none of generation {generation}'s {current.Count} samples");
            }
            current = outcome.Kept;
        }
        return (current, null);
    }
}

/// <summary>
/// The survivors of one generation's curation, each step's record (summed over top-up rounds), why curation fell
/// short (or null), and each step's time in seconds (never part of a deterministic output).
/// </summary>
public sealed record CurationPass(DataBatch Survivors, CurationRecord[] Records, string? Shortfall, double[] Seconds);
