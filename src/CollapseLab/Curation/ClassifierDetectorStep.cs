using CollapseLab.Data.Text;
using CollapseLab.Detection;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// A learned detector, trained each generation on what a practitioner has: up to <c>train</c> blocks of held-out real
/// text (label 0) against as many fresh samples of the model (label 1), with logistic regression on hashed n-gram
/// frequencies and per-token log-probability statistics (<see cref="TextFeatures"/>). The model is the one the step
/// is given: on fresh samples the generation's own, on a candidate pool model₀ (so there the fresh samples are
/// model₀'s, and the classifier is one a practitioner trained against the first model). p is the classifier's probability; a target FPR is the (1 − FPR) quantile of
/// its scores on as many other held-out real blocks.
/// </summary>
public sealed class ClassifierDetectorStep(DetectorRule rule, int train) : DetectorStep(rule)
{
    public override string Name => "classifier";

    public override IReadOnlyList<Capability> Requires => [Capabilities.SequenceLogProb];

    public static CurationStep Read(SpecReader step)
    {
        var train = step.Int("train", 500, min: 2);
        return new ClassifierDetectorStep(DetectorRule.Read(step, 0.5), train);
    }

    public override string Describe() => $"classifier (logistic, {train} real vs {train} fresh, {Rule.Describe()})";

    protected override Detection Detect(CurationInput input)
    {
        var (model, realScores) = Train(input);
        var texts = (TokenBatch)input.Samples;
        var p = Score(model, texts, (ILanguageModel)input.Model);
        return new Detection(p, p, []) { RealScores = realScores };
    }

    /// <summary>Just above the real training blocks' (1 − FPR) quantile, so at most that share of them is flagged.</summary>
    protected override double ThresholdFor(double fpr, Detection detection)
    {
        var sorted = detection.RealScores.Order().ToArray();
        return sorted.Length == 0 ? 0.5 : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor((1 - fpr) * sorted.Length))] + 1e-12;
    }

    /// <summary>Fits on real blocks against fresh samples; the real scores for a target FPR come from other real blocks, unseen by the fit.</summary>
    private (LogisticRegression Model, double[] RealScores) Train(CurationInput input)
    {
        var reference = (ILanguageModel)input.Model;
        var real = ((TextData)input.Data).Test;
        var count = Math.Min(train, real.Count / 2);
        var picks = input.Stream.Named("real").Open().Choose(real.Count, 2 * count);
        var fitBlocks = (TokenBatch)real.Compose([new Data.BatchPart(real, picks[..count])]);
        var calibration = (TokenBatch)real.Compose([new Data.BatchPart(real, picks[count..])]);
        var fresh = (TokenBatch)input.Model.Sample(count, input.Stream.Named("fresh"), input.Threads);
        var x = new double[2 * count * TextFeatures.Width];
        var y = new bool[2 * count];
        Rows(fitBlocks, reference, x.AsSpan(0, count * TextFeatures.Width));
        Rows(fresh, reference, x.AsSpan(count * TextFeatures.Width));
        y.AsSpan(count).Fill(true);
        var model = LogisticRegression.Fit(x, TextFeatures.Width, y);
        return (model, Score(model, calibration, reference));
    }

    private static double[] Score(LogisticRegression model, TokenBatch texts, ILanguageModel reference)
    {
        var rows = new double[texts.Count * TextFeatures.Width];
        Rows(texts, reference, rows);
        return Enumerable.Range(0, texts.Count).Select(i => model.Probability(rows.AsSpan(i * TextFeatures.Width, TextFeatures.Width))).ToArray();
    }

    private static void Rows(TokenBatch texts, ILanguageModel reference, Span<double> destination)
    {
        var scratch = new double[Math.Max(1, Enumerable.Range(0, texts.Count).Select(texts.Length).DefaultIfEmpty(0).Max())];
        for (var i = 0; i < texts.Count; i++)
        {
            TextFeatures.Row(texts.Sequence(i), reference, destination.Slice(i * TextFeatures.Width, TextFeatures.Width), scratch);
        }
    }
}
