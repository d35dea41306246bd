using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>What a detector step does with the samples it flags.</summary>
public enum FilterAction
{
    /// <summary>Remove flagged samples; the set shrinks (a top-up to the requested size belongs to the stage).</summary>
    Drop,

    /// <summary>Resample the set, same size, with weights (1 − p)^β (Drayson et al. 2025).</summary>
    Reweight,
}

/// <summary>How a detector decides and acts: a score threshold or a target false-positive rate, and the action.</summary>
public sealed record DetectorRule(double? Threshold, double? TargetFpr, FilterAction Action, double Beta)
{
    /// <summary>Reads threshold or target_fpr (one of them; <paramref name="fallbackThreshold"/> when neither), action and beta.</summary>
    public static DetectorRule Read(SpecReader s, double fallbackThreshold)
    {
        if (s.Has("threshold") && s.Has("target_fpr"))
        {
            throw s.Error("target_fpr", "give threshold or target_fpr, not both.");
        }
        double? fpr = s.Has("target_fpr") ? s.Double("target_fpr", null, min: 0, max: 1, exclusiveMin: true) : null;
        if (fpr >= 1)
        {
            throw s.Error("target_fpr", "a target false-positive rate must be below 1.");
        }
        s.Node("target_fpr");
        double? threshold = fpr is null ? s.Double("threshold", fallbackThreshold) : null;
        s.Node("threshold");
        var action = s.Choice("action", "drop", ["drop", "reweight"]) == "drop" ? FilterAction.Drop : FilterAction.Reweight;
        var beta = action == FilterAction.Reweight ? s.Double("beta", 1.0, min: 0) : 1;
        return new DetectorRule(threshold, fpr, action, beta);
    }

    public string Describe() =>
        (TargetFpr is { } f ? $"FPR {f:G3}" : $"threshold {Threshold:G4}") + (Action == FilterAction.Drop ? ", drop" : $", reweight β={Beta:G3}");
}

/// <summary>
/// A detector as a curation step: it scores every sample (higher = more likely machine-made) and turns the score into
/// p, the probability that a sample is synthetic. Samples at or above the threshold are flagged; flags and scores are
/// judged against the ledger (positive = synthetic): TPR, FPR, AUC, the flagged share. With <c>drop</c> the unflagged
/// samples are kept; with <c>reweight</c> the set is resampled with weights (1 − p)^β.
/// </summary>
public abstract class DetectorStep(DetectorRule rule) : CurationStep
{
    public DetectorRule Rule { get; } = rule;

    /// <summary>Each sample's score and its probability of being synthetic, plus figures of the detector's own.</summary>
    protected abstract Detection Detect(CurationInput input);

    /// <summary>The score threshold whose false-positive rate is <paramref name="fpr"/>.</summary>
    protected abstract double ThresholdFor(double fpr, Detection detection);

    public override string Describe() => $"{Name} ({Rule.Describe()})";

    public override CurationOutcome Apply(CurationInput input)
    {
        var n = input.Samples.Count;
        var detection = Detect(input);
        var threshold = Rule.TargetFpr is { } fpr ? ThresholdFor(fpr, detection) : Rule.Threshold!.Value;
        var flagged = detection.Scores.Select(s => s >= threshold).ToArray();
        var measures = new List<(string, double)>(detection.Measures) { ("flagged", n == 0 ? 0 : (double)flagged.Count(f => f) / n), ("threshold", threshold) };
        measures.AddRange(DetectorMeasures.Against(input.Origins, detection.Scores, flagged));
        int[] keep;
        if (Rule.Action == FilterAction.Drop)
        {
            keep = Enumerable.Range(0, n).Where(i => !flagged[i]).ToArray();
        }
        else
        {
            keep = Resample(detection.Probabilities.Select(p => Math.Pow(Math.Clamp(1 - p, 0, 1), Rule.Beta)).ToArray(), input);
        }
        var kept = keep.Length == n && Rule.Action == FilterAction.Drop
            ? input.Samples
            : input.Samples.Compose([new BatchPart(input.Samples, keep)]);
        return new CurationOutcome(kept) { Indices = keep, Measures = measures };
    }

    /// <summary>n draws with replacement ∝ <paramref name="weights"/>, in index order; none when every weight is 0.</summary>
    private static int[] Resample(double[] weights, CurationInput input)
    {
        var total = weights.Sum();
        if (!(total > 0))
        {
            return [];
        }
        var rng = input.Stream.Named("resample").Open();
        var cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }
        var picks = new int[weights.Length];
        for (var k = 0; k < picks.Length; k++)
        {
            // The first item whose running sum exceeds u: never one of weight 0, whose sum equals its predecessor's.
            var u = rng.NextDouble() * sum;
            var at = Array.BinarySearch(cumulative, u);
            var j = at < 0 ? ~at : at + 1;
            while (j < weights.Length - 1 && cumulative[j] <= u)
            {
                j++;
            }
            picks[k] = j;
        }
        Array.Sort(picks);
        return picks;
    }

    /// <summary>
    /// Per-sample scores (higher = machine-like), probabilities p of being synthetic, extra figures, and scores of
    /// items known to be real (for a learned detector's threshold at a target FPR).
    /// </summary>
    protected sealed record Detection(double[] Scores, double[] Probabilities, IReadOnlyList<(string Name, double Value)> Measures)
    {
        public double[] RealScores { get; init; } = [];
    }
}
