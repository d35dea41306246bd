using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Families;
using CollapseLab.Metrics.Samples;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Metrics.Images;

/// <summary>A metric on generated images in the feature space of the <see cref="ImageClassifier"/>.</summary>
public abstract class ClassifierMetric : Metric
{
    public override string? Unsupported(IFamily family, ExperimentData data) =>
        family.Kind != DataKind.Rows || data is not ImageData image ? "needs an image data source (fashion-mnist, idx:path)"
        : image.TrainLabels is null ? "needs class labels for the real training images (data.labels)"
        : null;

    protected static ImageClassifier Classifier(MetricContext context) => ImageClassifier.For((ImageData)context.Data, context.Stream.Seed);
}

/// <summary>
/// Fréchet distance between Gaussians fitted to real-test and generated features:
/// ‖μr − μg‖² + tr Σr + tr Σg − 2 tr (Σr^½ Σg Σr^½)^½ (FID, with the classifier's 64 features in place of Inception's).
/// </summary>
public sealed class FrechetDistanceMetric : ClassifierMetric
{
    public override string Name => "fid";

    public override string Description => "Fréchet distance of real-test and sample features of the image classifier (0 = same Gaussian statistics)";

    public override double Compute(MetricContext context)
    {
        var classifier = Classifier(context);
        var real = RealStatistics.Of(classifier);
        var generated = classifier.Embed(context.Samples).Features;
        var mean = Moments.Mean(generated, 1);
        var covariance = Moments.Covariance(generated, mean, generated.Count > 1 ? 1 : 0, 1);
        return Distance(real.Mean, real.Covariance, real.Root, mean, covariance);
    }

    public static double Distance(double[] m1, double[] c1, double[] root1, double[] m2, double[] c2) =>
        GaussianFrechet.Squared(m1, c1, root1, m2, c2);

    private sealed record RealStatistics(double[] Mean, double[] Covariance, double[] Root)
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ImageClassifier, RealStatistics> Cache = new();

        public static RealStatistics Of(ImageClassifier classifier) => Cache.GetValue(classifier, c =>
        {
            var f = c.Real.Features;
            var mean = Moments.Mean(f, 1);
            var covariance = Moments.Covariance(f, mean, 1, 1);
            return new RealStatistics(mean, covariance, new SymmetricEigen(covariance, f.Dim).Sqrt());
        });
    }
}

/// <summary>Shares of the generated images by predicted class; recorded per sample as "class" for reports.</summary>
internal static class ClassShares
{
    public static double[] Of(MetricContext context, ImageClassifier classifier)
    {
        var classes = classifier.Embed(context.Samples).Classes;
        var shares = new double[classifier.Classes];
        foreach (var c in classes)
        {
            shares[c] += 1.0 / classes.Length;
        }
        return shares;
    }
}

/// <summary>Entropy of the generated images' class histogram in bits: log₂ K when every class is equally frequent, 0 when one class remains.</summary>
public sealed class ClassEntropyMetric : ClassifierMetric
{
    public override string Name => "class_entropy";

    public override string Description => "entropy (bits) of the classifier's class histogram of the samples (log2 K = all classes equally, 0 = one class)";

    public override double Compute(MetricContext context)
    {
        var classifier = Classifier(context);
        if (context.SampleValues is { } sink)
        {
            sink.Record("class", classifier.Embed(context.Samples).Classes.Select(c => (double)c).ToArray());
        }
        var entropy = 0.0;
        foreach (var p in ClassShares.Of(context, classifier))
        {
            entropy -= p > 0 ? p * Math.Log2(p) : 0;
        }
        return entropy;
    }
}

/// <summary>Number of classes that receive at least 1% of the generated images.</summary>
public sealed class ClassesPresentMetric : ClassifierMetric
{
    public const double Threshold = 0.01;

    public override string Name => "classes_present";

    public override string Description => "classes given to at least 1% of the samples by the image classifier (mode collapse: classes vanish)";

    public override double Compute(MetricContext context) =>
        ClassShares.Of(context, Classifier(context)).Count(p => p >= Threshold);
}

/// <summary>Improved precision/recall (k = 3) of <see cref="PrecisionRecall"/>, in the classifier's feature space.</summary>
public sealed class FeaturePrecisionRecallMetric(bool recall) : ClassifierMetric
{
    private const int K = 3;
    private const int Size = 1000;
    private const string SubsampleStream = "feature_manifold";

    public override string Name => recall ? "feature_recall" : "feature_precision";

    public override string Description => recall
        ? "share of real test images inside the samples' 3-NN manifold in classifier features (1 = all variety kept)"
        : "share of samples inside the real test images' 3-NN manifold in classifier features (1 = all realistic)";

    public override double Compute(MetricContext context)
    {
        var classifier = Classifier(context);
        // Precision and recall share their subsamples (named for both), so the pair describes the same point sets.
        var real = Subsample(classifier.Real.Features, new StreamKey(context.Stream.Seed, 0, 0, Purpose.Metric).Named(SubsampleStream).Named("real"));
        var realRadii = RealRadii.GetValue(real, r => PrecisionRecall.Radii(r, K));
        var key = new StreamKey(context.Stream.Seed, context.Stream.Replicate, context.Generation, Purpose.Metric).Named(SubsampleStream).Named("samples");
        var generated = Subsample(classifier.Embed(context.Samples).Features, key);
        return recall
            ? PrecisionRecall.ShareInside(real, generated, PrecisionRecall.Radii(generated, K))
            : PrecisionRecall.ShareInside(generated, real, realRadii);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RowBatch, double[]> RealRadii = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RowBatch, RowBatch> RealSubsets = new();

    private static RowBatch Subsample(RowBatch rows, StreamKey key)
    {
        if (rows.Count <= Size)
        {
            return rows;
        }
        return RealSubsets.GetValue(rows, r =>
        {
            var pick = key.Open().Choose(r.Count, Size);
            Array.Sort(pick);
            return (RowBatch)r.Compose([new BatchPart(r, pick)]);
        });
    }
}

/// <summary>Mean over pixels of the variance of that pixel across the generated images (0 = every sample alike).</summary>
public sealed class PixelVarianceMetric : Metric
{
    public override string Name => "pixel_variance";

    public override string Description => "mean over pixels of each pixel's variance across the samples (falls as samples grow alike)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        family.Kind == DataKind.Rows && data is ImageData ? null : "needs an image data source (fashion-mnist, idx:path)";

    public override double Compute(MetricContext context)
    {
        var samples = (RowBatch)context.Samples;
        if (samples.Count < 2)
        {
            return 0;
        }
        var mean = Moments.Mean(samples, 1);
        var (n, d) = (samples.Count, samples.Dim);
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = samples.Row(i);
            for (var j = 0; j < d; j++)
            {
                var e = row[j] - mean[j];
                total += e * e;
            }
        }
        return total / ((n - 1.0) * d);
    }
}

/// <summary>The feature classifier's accuracy on the real test images: how far its class histogram can be trusted.</summary>
public sealed class ClassifierAccuracyMetric : ClassifierMetric
{
    public override string Name => "classifier_accuracy";

    public override string Description => "share of real test images the image metrics' classifier labels right (the same every generation)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        base.Unsupported(family, data) ?? (((ImageData)data).TestLabels is null ? "needs test labels" : null);

    public override double Compute(MetricContext context) => Classifier(context).TestAccuracy;
}
