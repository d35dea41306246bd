using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Families;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Metrics.Images;

/// <summary>
/// Self-supervised learning on a generation's images: a <see cref="ContrastiveEncoder"/> is trained on (up to
/// <see cref="Images"/> of) the samples, then a linear probe (softmax regression on its 64 standardised features)
/// is fitted to labelled real training images and scored on real test images. <c>ssl_probe_real</c> trains the same
/// encoder, with the same budget, on real training images instead: the reference line, once per experiment seed.
/// </summary>
public sealed class SslProbeMetric(bool real) : Metric
{
    /// <summary>Images the encoder trains on, and labelled images the probe fits and is scored on.</summary>
    public const int Images = 2000;
    private const int ProbeSteps = 200;
    private const float ProbeRate = 0.05f;

    private static readonly ConditionalWeakTable<ImageData, ConcurrentDictionary<ulong, Lazy<double>>> Reference = new();

    public override string Name => real ? "ssl_probe_real" : "ssl_probe";

    public override string Description => real
        ? "linear-probe accuracy on real test images of a contrastive encoder trained on real images (the reference for ssl_probe)"
        : "linear-probe accuracy on real test images of a contrastive (SimCLR) encoder trained on the samples (falls as they lose variety)";

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        family.Kind != DataKind.Rows || data is not ImageData image ? "needs an image data source (fashion-mnist, idx:path)"
        : image.TrainLabels is null || image.TestLabels is null ? "needs class labels for the real training and test images (data.labels)"
        : null;

    public override double Compute(MetricContext context)
    {
        var data = (ImageData)context.Data;
        if (real)
        {
            return Reference.GetValue(data, _ => new()).GetOrAdd(context.Stream.Seed, seed => new Lazy<double>(() =>
            {
                var key = new StreamKey(seed, 0, 0, Purpose.Metric).Named("ssl_probe_real");
                return Probe(data, Subset(data.TrainPortion, key.Named("images")), key);
            })).Value;
        }

        var stream = new StreamKey(context.Stream.Seed, context.Stream.Replicate, context.Generation, Purpose.Metric).Named("ssl_probe");
        return Probe(data, Subset((RowBatch)context.Samples, stream.Named("images")), stream);
    }

    /// <summary>Trains the encoder on <paramref name="images"/> and returns the linear probe's real test accuracy.</summary>
    public static double Probe(ImageData data, RowBatch images, StreamKey stream)
    {
        var encoder = ContrastiveEncoder.Train(images, data.Width, data.Height, stream.Named("encoder"));
        // The probe's labelled images are the same for every generation and arm of a seed.
        var probeKey = new StreamKey(stream.Seed, 0, 0, Purpose.Metric).Named("ssl_probe_labels");
        var (train, trainLabels) = Labelled(data.TrainPortion, data.TrainLabels!, probeKey.Named("train"));
        var (test, testLabels) = Labelled(data.Test, data.TestLabels!, probeKey.Named("test"));
        return LinearProbe(encoder.Embed(train), trainLabels, encoder.Embed(test), testLabels, data.Classes, probeKey.Named("probe"));
    }

    private static RowBatch Subset(RowBatch rows, StreamKey key)
    {
        if (rows.Count <= Images)
        {
            return rows;
        }

        var pick = key.Open().Choose(rows.Count, Images);
        Array.Sort(pick);
        return (RowBatch)rows.Compose([new BatchPart(rows, pick)]);
    }

    private static (RowBatch Rows, int[] Labels) Labelled(RowBatch rows, byte[] labels, StreamKey key)
    {
        var pick = rows.Count <= Images ? Enumerable.Range(0, rows.Count).ToArray() : key.Open().Choose(rows.Count, Images);
        Array.Sort(pick);
        return ((RowBatch)rows.Compose([new BatchPart(rows, pick)]), pick.Select(i => (int)labels[i]).ToArray());
    }

    /// <summary>
    /// Softmax regression on features standardised by the training features' mean and deviation (a constant
    /// feature is left centred), full-batch Adam; the share of test rows whose arg-max is their label.
    /// </summary>
    internal static double LinearProbe(float[] train, int[] trainLabels, float[] test, int[] testLabels, int classes, StreamKey key)
    {
        var f = ContrastiveEncoder.Features;
        var (n, m) = (trainLabels.Length, testLabels.Length);
        var mean = new float[f];
        var scale = new float[f];
        for (var j = 0; j < f; j++)
        {
            double s = 0, ss = 0;
            for (var i = 0; i < n; i++)
            {
                s += train[(i * f) + j];
            }

            var mu = s / n;
            for (var i = 0; i < n; i++)
            {
                var e = train[(i * f) + j] - mu;
                ss += e * e;
            }

            var sd = Math.Sqrt(ss / n);
            (mean[j], scale[j]) = ((float)mu, sd > 1e-12 ? (float)(1 / sd) : 1f);
        }

        Tensor Standardised(float[] x, int rows)
        {
            var t = new float[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                t[i] = (x[i] - mean[i % f]) * scale[i % f];
            }

            return Tensor.FromArray(t, rows, f);
        }

        var p = new ParameterBlock([("weight", [classes, f]), ("bias", [classes])]);
        Init.LinearDefault(p["weight"], p["bias"], key.Open().NextUInt64());
        var adam = new Adam(p, ProbeRate);
        var x = Standardised(train, n);
        for (var step = 0; step < ProbeSteps; step++)
        {
            p.ZeroGrad();
            using var tape = new Tensors.Autodiff.Tape(recycleBuffers: true);
            tape.Backward(Ops.CrossEntropy(Ops.Linear(x, p["weight"], p["bias"]), trainLabels));
            adam.Step();
        }

        using var scope = Tensors.Autodiff.Tape.NoGrad();
        var logits = Ops.Linear(Standardised(test, m), p["weight"], p["bias"]).Data;
        var right = 0;
        for (var i = 0; i < m; i++)
        {
            var row = logits.Slice(i * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                best = row[k] > row[best] ? k : best;
            }

            right += best == testLabels[i] ? 1 : 0;
        }

        return m == 0 ? 0 : (double)right / m;
    }
}
