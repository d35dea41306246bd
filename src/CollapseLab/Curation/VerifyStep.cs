using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// A verifier for unlabelled rows: accepts a sample when its log-density under the data's exact truth reaches a
/// threshold, given as a number (<c>threshold</c>) or as the q-quantile of the real test rows' log-densities
/// (<c>quantile</c>: the verifier then rejects a share q of real data). O(n) density evaluations.
/// </summary>
public sealed class VerifyStep(double? threshold, double quantile) : CurationStep
{
    public override string Name => "verify";

    public override string Describe() => threshold is { } t ? FormattableString.Invariant($"verify (log p*(x) ≥ {t:G4})") : FormattableString.Invariant($"verify (log p*(x) above its real {quantile:P0} quantile)");

    public static CurationStep Read(SpecReader step)
    {
        step.Choice("reference", "truth", ["truth"]);
        if (step.Has("threshold") && step.Has("quantile"))
        {
            throw step.Error("quantile", "give threshold (a log-density) or quantile (of real data's log-densities), not both.");
        }
        return step.Has("threshold")
            ? new VerifyStep(step.Double("threshold", null), 0)
            : new VerifyStep(null, step.Double("quantile", 0.05, min: 0, max: 1, exclusiveMin: true));
    }

    public override string? Unsupported(ExperimentData data, int samples) => data is IKnownTruth { TruthDensity: not null } ? null
        : $"needs the data's true density to verify against; this data ({data.Describe()}) has none. Use a gaussian, mixture or blobs source.";

    public override CurationOutcome Apply(CurationInput input)
    {
        var density = ((IKnownTruth)input.Data).TruthDensity!;
        var cut = threshold ?? Quantile((RowBatch)input.Data.Test, density, quantile);
        var x = (RowBatch)input.Samples;
        var keep = Enumerable.Range(0, x.Count).Where(i => density.LogDensity(x.Row(i)) >= cut).ToArray();
        return keep.Length == x.Count ? new CurationOutcome(x) : new CurationOutcome(x.Compose([new BatchPart(x, keep)]));
    }

    private static double Quantile(RowBatch test, Families.IDensityModel density, double q)
    {
        var values = Enumerable.Range(0, test.Count).Select(i => density.LogDensity(test.Row(i))).Order().ToArray();
        return values[Math.Min(values.Length - 1, (int)Math.Floor(q * values.Length))];
    }
}
