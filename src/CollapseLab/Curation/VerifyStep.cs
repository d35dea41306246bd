using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// A verifier for unlabelled rows: accepts a sample when its log-density under a reference reaches a threshold,
/// given as a number (<c>threshold</c>) or as the q-quantile of the real test rows' log-densities under the same
/// reference (<c>quantile</c>: the verifier then rejects a share q of real data). The reference is the data's exact
/// truth (<c>reference: truth</c>), or model₀, the chain's model fitted on real data only (<c>reference: model0</c>,
/// for data without a known truth; the family needs a density). O(n) density evaluations.
/// </summary>
public sealed class VerifyStep(double? threshold, double quantile, bool truth = true) : CurationStep
{
    public override string Name => "verify";

    public override string Describe() => (truth ? "verify under the truth " : "verify under model₀ ") +
        (threshold is { } t ? FormattableString.Invariant($"(log p(x) ≥ {t:G4})") : FormattableString.Invariant($"(log p(x) above its real {quantile:P0} quantile)"));

    public override IReadOnlyList<Families.Capability> Requires => truth ? [] : [Families.Capabilities.Density];

    public static readonly string[] Verifiers = ["density", "oracle", "classifier"];

    /// <summary><c>verifier: density</c> (default) reads this step's options; <c>oracle</c> and <c>classifier</c> verify labels (<see cref="LabelVerifyStep"/>).</summary>
    public static CurationStep Read(SpecReader step)
    {
        var verifier = step.Choice("verifier", "density", Verifiers);
        if (verifier != "density")
        {
            return LabelVerifyStep.Read(step, verifier == "oracle");
        }
        var truth = step.Choice("reference", "truth", ["truth", "model0"]) == "truth";
        if (step.Has("threshold") && step.Has("quantile"))
        {
            throw step.Error("quantile", "give threshold (a log-density) or quantile (of real data's log-densities), not both.");
        }
        return step.Has("threshold")
            ? new VerifyStep(step.Double("threshold", null), 0, truth)
            : new VerifyStep(null, step.Double("quantile", 0.05, min: 0, max: 1, exclusiveMin: true), truth);
    }

    public override string? Unsupported(ExperimentData data, int samples) => !truth || data is IKnownTruth { TruthDensity: not null } ? null
        : $"with reference: truth needs the data's true density to verify against; this data ({data.Describe()}) has none. Use a gaussian, mixture or blobs source, or reference: model0.";

    public override CurationOutcome Apply(CurationInput input)
    {
        var density = truth ? ((IKnownTruth)input.Data).TruthDensity! : (Families.IDensityModel)(input.Model0 ?? input.Model);
        var cut = threshold ?? Quantile((RowBatch)input.Data.Test, density, quantile);
        var x = (RowBatch)input.Samples;
        var keep = Enumerable.Range(0, x.Count).Where(i => density.LogDensity(x.Row(i)) >= cut).ToArray();
        return CurationOutcome.Keep(x, keep);
    }

    private static double Quantile(RowBatch test, Families.IDensityModel density, double q)
    {
        var values = Enumerable.Range(0, test.Count).Select(i => density.LogDensity(test.Row(i))).Order().ToArray();
        return values[Math.Min(values.Length - 1, (int)Math.Floor(q * values.Length))];
    }
}
