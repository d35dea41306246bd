using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Detection;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>What the classifier detector fits, and on what.</summary>
/// <param name="Hidden">Hidden units of the MLP, or null for logistic regression.</param>
/// <param name="Train">Held-out real items (and as many fresh samples) it is fitted on.</param>
/// <param name="UnderModel0">Text features score log-probabilities under model₀ (else under the model that drew the samples).</param>
public sealed record ClassifierOptions(int? Hidden, int Train, int Steps, bool UnderModel0)
{
    public static ClassifierOptions Read(SpecReader step)
    {
        var mlp = step.Choice("model", "logistic", ["logistic", "mlp"]) == "mlp";
        int? hidden = mlp ? step.Int("hidden", 32, min: 1, max: 1024) : null;
        var train = step.Int("train", 500, min: 2);
        var steps = step.Int("steps", 300, min: 1, max: 100_000);
        var model0 = step.Choice("reference", "model0", ["model0", "model"]) == "model0";
        return new ClassifierOptions(hidden, train, steps, model0);
    }

    public string Describe() => (Hidden is { } h ? $"MLP, {h} hidden" : "logistic") + $", {Train} real vs {Train} fresh";
}

/// <summary>
/// A learned detector, trained each generation on what a practitioner has: up to <c>train</c> held-out real items
/// (label 0) against as many fresh samples of the model (label 1). Texts become hashed n-gram frequencies and
/// per-token log-probability statistics under a reference language model (<see cref="TextFeatures"/>; model₀ by
/// default); rows are their own features. The classifier is logistic regression or a one-hidden-layer MLP. p is its
/// probability; a target FPR is the (1 − FPR) quantile of its scores on as many other held-out real items.
/// </summary>
public sealed class ClassifierDetectorStep(DetectorRule rule, ClassifierOptions options) : DetectorStep(rule)
{
    public override string Name => "classifier";

    public static CurationStep Read(SpecReader step) => new ClassifierDetectorStep(DetectorRule.Read(step, 0.5), ClassifierOptions.Read(step));

    public override string? Unsupported(ExperimentData data, int samples) => data.Test.Count < 4
        ? $"needs at least 4 held-out real items to fit and calibrate on; the data has {data.Test.Count} (raise data.test)."
        : null;

    public override string Describe() => $"classifier ({options.Describe()}, {Rule.Describe()})";

    protected override Detection Detect(CurationInput input)
    {
        var reference = options.UnderModel0 ? input.Model0 ?? input.Model : input.Model;
        var (classifier, realScores) = Train(input, reference);
        var p = Score(classifier, input.Samples, reference);
        return new Detection(p, p, []) { RealScores = realScores };
    }

    /// <summary>Just above the real calibration items' (1 − FPR) quantile, so at most that share of them is flagged.</summary>
    protected override double ThresholdFor(double fpr, Detection detection)
    {
        var sorted = detection.RealScores.Order().ToArray();
        return sorted.Length == 0 ? 0.5 : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor((1 - fpr) * sorted.Length))] + 1e-12;
    }

    /// <summary>Fits on real items against fresh samples; the real scores for a target FPR come from other real items, unseen by the fit.</summary>
    private (IBinaryClassifier Classifier, double[] RealScores) Train(CurationInput input, IModel reference)
    {
        var real = input.Data.Test;
        var count = Math.Min(options.Train, real.Count / 2);
        var picks = input.Stream.Named("real").Open().Choose(real.Count, 2 * count);
        var fitItems = real.Compose([new BatchPart(real, picks[..count])]);
        var calibration = real.Compose([new BatchPart(real, picks[count..])]);
        var fresh = input.Model.Sample(count, input.Stream.Named("fresh"), input.Threads);
        var (realRows, width) = Features(fitItems, reference);
        var (freshRows, _) = Features(fresh, reference);
        double[] x = [.. realRows, .. freshRows];
        var y = new bool[x.Length / width];
        y.AsSpan(realRows.Length / width).Fill(true);
        IBinaryClassifier classifier = options.Hidden is { } hidden
            ? MlpClassifier.Fit(x, width, y, hidden, input.Stream.Named("init").Open(), options.Steps)
            : LogisticRegression.Fit(x, width, y, options.Steps);
        return (classifier, Score(classifier, calibration, reference));
    }

    private static double[] Score(IBinaryClassifier classifier, DataBatch items, IModel reference)
    {
        var (rows, width) = Features(items, reference);
        return Enumerable.Range(0, items.Count).Select(i => classifier.Probability(rows.AsSpan(i * width, width))).ToArray();
    }

    /// <summary>One feature row per item, and the row width.</summary>
    private static (double[] Rows, int Width) Features(DataBatch items, IModel reference) => items switch
    {
        RowBatch rows => (rows.Values, rows.Dim),
        TokenBatch texts => (TextFeatures.Rows(texts, reference as ILanguageModel), TextFeatures.Width),
        _ => throw new NotSupportedException($"the classifier detector has no features for {items.Kind} data."),
    };
}
