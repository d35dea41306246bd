using System.Diagnostics;
using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Curation;

/// <summary>
/// The ordered steps between Sample and Policy. Survivors stay generation g's synthetic batch, so the provenance
/// ledger keeps their origin. With <see cref="MaxDraws"/> above 1 the stage tops up: while fewer than the requested
/// count survive, it asks for another batch (each round drawn on its own stream) and curates it, up to
/// <see cref="MaxDraws"/> batches in all. Survivors beyond the requested count are dropped from the last round, and
/// not counted as kept by the last step, so the records agree with the survivors.
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

    /// <summary>The origin of real items in <see cref="CurationInput.Origins"/>.</summary>
    public const int RealOrigin = -1;

    /// <summary>
    /// Runs every step in order on generation <paramref name="generation"/>'s samples, or on a candidate pool whose
    /// items have the given <paramref name="origins"/> (default: all of this generation), without top-up.
    /// </summary>
    public CurationPass Apply(int generation, DataBatch samples, IModel model, ExperimentData data, StreamKey stream, int threads,
        IReadOnlyList<int>? origins = null, IModel? model0 = null) =>
        Apply(generation, samples, null, model, data, stream, threads, model0, origins);

    /// <summary>
    /// Curates <paramref name="first"/>, then, while fewer than its count survive and the cap allows, the batches
    /// <paramref name="draw"/> gives for rounds 1, 2, … (each a fresh draw of the same size; null: no top-up).
    /// Each step's kept fraction and real share before and after are measured against the origins, on the first
    /// draw, while the steps report which items they kept.
    /// </summary>
    public CurationPass Apply(int generation, DataBatch first, Func<int, DataBatch>? draw, IModel model, ExperimentData data, StreamKey stream, int threads,
        IModel? model0 = null, IReadOnlyList<int>? origins = null)
    {
        var target = first.Count;
        var records = Steps.Select((_, k) => new CurationRecord(generation, k, 0, 0, 0)).ToArray();
        var seconds = new double[Steps.Count];
        var measures = new List<CurationMeasure>();
        var survivors = new List<(DataBatch Batch, IReadOnlyList<int>? Known)>();
        var start = origins ?? Enumerable.Repeat(generation, first.Count).ToArray();
        var kept = 0;
        var drawn = 0;
        string? stopped = null;
        for (var round = 0; round < (draw is null ? 1 : MaxDraws) && kept < target; round++)
        {
            var batch = round == 0 ? first : draw!(round);
            drawn += batch.Count;
            // Round 0 keeps the step's own stream (so a stage without top-up draws as before); later rounds get their own.
            var roundStream = round == 0 ? stream : stream.Named($"top-up-{round}");
            var known = round == 0 ? start : Enumerable.Repeat(generation, batch.Count).ToArray();
            var state = new RoundState(generation, model, model0, data, roundStream, threads, records, seconds, round == 0 ? measures : null);
            var (current, after, reason) = Curate(batch, known, state);
            if (reason is not null)
            {
                stopped = round == 0 ? $"{reason}; they were used uncurated" : $"{reason} in top-up draw {round}; the survivors of the {round} draw(s) before were used";
                break;
            }
            survivors.Add((current, after));
            kept += current.Count;
            if (kept < MinAcceptance * drawn)
            {
                stopped = $"curation kept {kept} of generation {generation}'s {drawn} samples (under 1%) in {round + 1} draw(s); it stopped topping up and used the survivors";
                break;
            }
        }
        if (kept == 0)
        {
            return new CurationPass(first, records, stopped ?? $"curation kept none of generation {generation}'s samples; they were used uncurated", seconds)
                { Origins = start, Measures = measures };
        }
        if (survivors.Count == 1 && kept <= target)
        {
            return new CurationPass(survivors[0].Batch, records, stopped, seconds) { Origins = survivors[0].Known, Measures = measures };
        }
        if (kept > target)
        {
            // The last round's survivors past the requested count are dropped below; the last step's record counts
            // only the survivors used, so its kept summed over rounds is the generation's survivor count.
            var last = records[^1];
            records[^1] = last with { Kept = last.Kept - (kept - target) };
        }
        var parts = new List<BatchPart>();
        var resultOrigins = new List<int>();
        var left = target;
        foreach (var (batch, known) in survivors.TakeWhile(_ => left > 0))
        {
            var take = Math.Min(left, batch.Count);
            parts.Add(batch.Count <= left ? new BatchPart(batch, null) : new BatchPart(batch, Enumerable.Range(0, left).ToArray()));
            resultOrigins.AddRange(known?.Take(take) ?? Enumerable.Repeat(generation, take));
            left -= take;
        }
        return new CurationPass(first.Compose(parts), records, stopped, seconds) { Origins = resultOrigins, Measures = measures };
    }

    /// <summary>What every step of one round shares; <see cref="Measures"/> is null on rounds that are not measured.</summary>
    private sealed record RoundState(int Generation, IModel Model, IModel? Model0, ExperimentData Data, StreamKey Stream, int Threads,
        CurationRecord[] Records, double[] Seconds, List<CurationMeasure>? Measures);

    /// <summary>
    /// One batch through every step, adding to the records; the survivors, their origins (null once a step did not say
    /// which items it kept) and the reason when a step kept nothing.
    /// </summary>
    private (DataBatch Kept, IReadOnlyList<int>? Known, string? Reason) Curate(DataBatch batch, IReadOnlyList<int> origins, RoundState round)
    {
        var current = batch;
        IReadOnlyList<int>? known = origins;
        for (var k = 0; k < Steps.Count; k++)
        {
            var step = Steps[k];
            var clock = Stopwatch.StartNew();
            var input = new CurationInput(round.Generation, current, round.Model, round.Data, round.Stream.Named(step.Name), round.Threads, round.Model0) { Origins = known ?? [] };
            var outcome = step.Apply(input);
            round.Seconds[k] += clock.Elapsed.TotalSeconds;
            var before = round.Records[k];
            round.Records[k] = new CurationRecord(round.Generation, k, before.Seen + current.Count, before.Kept + outcome.Kept.Count, before.Changed + outcome.Changed);
            var after = outcome.Indices is { } indices && known is not null ? indices.Select(i => known[i]).ToArray()
                : outcome.Kept.Count == current.Count ? known : null;
            if (round.Measures is { } measures)
            {
                measures.Add(new(round.Generation, k, "kept_fraction", current.Count == 0 ? 0 : (double)outcome.Kept.Count / current.Count));
                if (known is not null && after is not null)
                {
                    measures.Add(new(round.Generation, k, "real_share_before", RealShare(known)));
                    measures.Add(new(round.Generation, k, "real_share_after", RealShare(after)));
                }
                measures.AddRange(outcome.Measures.Select(m => new CurationMeasure(round.Generation, k, m.Name, m.Value)));
            }
            if (outcome.Kept.Count == 0)
            {
                return (outcome.Kept, null, $"curation step '{step.Name}' kept none of generation {round.Generation}'s {current.Count} samples");
            }
            current = outcome.Kept;
            known = after;
        }
        return (current, known, null);
    }

    private static double RealShare(IReadOnlyList<int> origins) =>
        origins.Count == 0 ? 0 : (double)origins.Count(o => o == RealOrigin) / origins.Count;
}

/// <summary>
/// The survivors of one generation's curation, each step's record (summed over top-up rounds), why curation fell
/// short (or null), and each step's time in seconds (never part of a deterministic output).
/// </summary>
public sealed record CurationPass(DataBatch Survivors, CurationRecord[] Records, string? Shortfall, double[] Seconds)
{
    /// <summary>The survivors' origins, when every step said which items it kept (else null).</summary>
    public IReadOnlyList<int>? Origins { get; init; }

    /// <summary>Named figures of the steps on the first draw (detector TPR/FPR/AUC, real share before and after).</summary>
    public IReadOnlyList<CurationMeasure> Measures { get; init; } = [];
}
