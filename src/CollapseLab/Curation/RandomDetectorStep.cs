using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// The control: flags each sample with chance <c>rate</c> whatever it is (set it to the flagged share of the detector
/// it is compared with), so TPR = FPR = rate and reweighting is a uniform resample.
/// </summary>
public sealed class RandomDetectorStep(DetectorRule rule, double rate) : DetectorStep(rule)
{
    public override string Name => "random";

    public static CurationStep Read(SpecReader step)
    {
        var rate = step.Fraction("rate", 0.5);
        return new RandomDetectorStep(DetectorRule.Read(step, 1 - rate), rate);
    }

    public override string Describe() => $"random (rate {rate:G3}, {Rule.Describe()})";

    /// <summary>Score u ~ U(0, 1): flagged at threshold 1 − rate; p = rate for every sample.</summary>
    protected override Detection Detect(CurationInput input)
    {
        var rng = input.Stream.Named("flags").Open();
        var scores = Enumerable.Range(0, input.Samples.Count).Select(_ => rng.NextDouble()).ToArray();
        return new Detection(scores, Enumerable.Repeat(rate, scores.Length).ToArray(), []);
    }

    protected override double ThresholdFor(double fpr, Detection detection) => 1 - fpr;
}
