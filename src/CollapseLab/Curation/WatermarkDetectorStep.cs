using CollapseLab.Data.Text;
using CollapseLab.Detection;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Numerics;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// The z-test as a detector: score z per text under a key (default: the arm's own <c>sampling.watermark</c>), p = Φ(z),
/// flagged at z ≥ threshold (4 by default) or at the z whose one-sided null tail is the target FPR.
/// </summary>
public sealed class WatermarkDetectorStep(DetectorRule rule, Watermark? mark, bool dedup) : DetectorStep(rule)
{
    public override string Name => "watermark";

    public override IReadOnlyList<Capability> Requires => [Capabilities.Watermarkable];

    public static CurationStep Read(SpecReader step)
    {
        // Without key, gamma or window the step uses the arm's own watermark.
        var mark = step.Has("key") || step.Has("gamma") || step.Has("window") ? Watermark.ReadKey(step, 0) : null;
        step.Node("key");
        step.Node("gamma");
        step.Node("window");
        var dedup = step.Bool("dedup", false);
        return new WatermarkDetectorStep(DetectorRule.Read(step, 4), mark, dedup);
    }

    public override string Describe() => $"watermark ({(dedup ? "dedup, " : "")}{Rule.Describe()})";

    protected override Detection Detect(CurationInput input)
    {
        var texts = (TokenBatch)input.Samples;
        var model = (ILanguageModel)input.Model;
        var watermark = mark ?? model.Sampling.Watermark ?? new Watermark(0.25, 0, Watermark.DefaultKey, 1);
        var green = new GreenList(watermark, model.VocabularySize);
        var z = new double[texts.Count];
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = new WatermarkScorer(green, dedup).Score(texts.Sequence(i)).Z;
        }
        var p = z.Select(SpecialFunctions.NormalCdf).ToArray();
        return new Detection(z, p, [("mean_z", z.Length == 0 ? 0 : z.Average())]);
    }

    protected override double ThresholdFor(double fpr, Detection detection) => SpecialFunctions.NormalQuantile(1 - fpr);
}
