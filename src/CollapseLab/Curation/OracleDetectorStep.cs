using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>The perfect detector: it reads the provenance ledger (p = 1 for synthetic, 0 for real), the upper bound for any filter.</summary>
public sealed class OracleDetectorStep(DetectorRule rule) : DetectorStep(rule)
{
    public override string Name => "oracle";

    public static CurationStep Read(SpecReader step) => new OracleDetectorStep(DetectorRule.Read(step, 0.5));

    protected override Detection Detect(CurationInput input)
    {
        var p = input.Origins.Select(o => o == CurationStage.RealOrigin ? 0.0 : 1.0).ToArray();
        return new Detection(p, p, []);
    }

    /// <summary>The ledger makes no false positives at any threshold in (0, 1].</summary>
    protected override double ThresholdFor(double fpr, Detection detection) => 0.5;
}
