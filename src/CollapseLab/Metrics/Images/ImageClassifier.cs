using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Metrics.Images;

/// <summary>
/// The feature extractor of the image metrics: an MLP D–256–64–K (ReLU) trained with Adam on cross-entropy for
/// <see cref="Epochs"/> epochs (more on small data, so that it takes at least <see cref="MinimumSteps"/> steps) on the real training images and labels, once per data set and experiment seed. Its
/// 64-unit penultimate layer (after ReLU) is the feature space of the Fréchet distance and of precision/recall; its
/// arg-max is the class of a generated image. Trained weights are cached in memory and on disk
/// (<c>$COLLAPSELAB_CACHE</c> or ~/.cache/collapselab, file named by a hash of the pixels, labels and seed).
/// </summary>
public sealed class ImageClassifier
{
    public const int Hidden = 256;
    public const int Features = 64;
    public const int Epochs = 3;
    public const int MinimumSteps = 400;
    private const int BatchSize = 128;
    private const int Chunk = 1024;

    private static readonly ConditionalWeakTable<ImageData, ConcurrentDictionary<ulong, Lazy<ImageClassifier>>> Cache = new();

    private readonly ParameterBlock _p;
    private readonly ConditionalWeakTable<DataBatch, Embedding> _embeddings = new();

    private ImageClassifier(ParameterBlock parameters, int classes, ImageData data)
    {
        _p = parameters;
        Classes = classes;
        Real = Embed(data.Test);
        var labels = data.TestLabels;
        if (labels is not null)
        {
            var right = 0;
            for (var i = 0; i < labels.Length; i++)
            {
                right += Real.Classes[i] == labels[i] ? 1 : 0;
            }
            TestAccuracy = (double)right / labels.Length;
        }
    }

    public int Classes { get; }

    /// <summary>Features and classes of the real test images.</summary>
    public Embedding Real { get; }

    /// <summary>Share of real test images classified right (NaN without test labels).</summary>
    public double TestAccuracy { get; } = double.NaN;

    /// <summary>The classifier of this data and experiment seed: from memory, disk, or trained now.</summary>
    public static ImageClassifier For(ImageData data, ulong seed) =>
        Cache.GetValue(data, _ => new()).GetOrAdd(seed, s => new Lazy<ImageClassifier>(() => LoadOrTrain(data, s))).Value;

    /// <summary>Features and classes of a batch of images, computed once per batch.</summary>
    public Embedding Embed(DataBatch images) => _embeddings.GetValue(images, b => Compute((RowBatch)b));

    private static ParameterBlock Layout(int d, int classes) => new([
        ("fc1.weight", [Hidden, d]), ("fc1.bias", [Hidden]),
        ("fc2.weight", [Features, Hidden]), ("fc2.bias", [Features]),
        ("fc3.weight", [classes, Features]), ("fc3.bias", [classes]),
    ]);

    private static ImageClassifier LoadOrTrain(ImageData data, ulong seed)
    {
        var labels = data.TrainLabels ?? throw new InvalidOperationException("the image classifier needs training labels");
        var classes = data.Classes;
        var p = Layout(data.Dim, classes);
        var path = CachePath(data, seed);
        if (File.Exists(path))
        {
            try
            {
                SafeTensors.LoadInto(path, p);
                return new ImageClassifier(p, classes, data);
            }
            catch (InvalidDataException)
            {
                // A damaged cache file is retrained and overwritten.
            }
        }
        Train(p, data.TrainPortion, labels, seed);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + $".{Environment.ProcessId}.tmp";
            SafeTensors.Save(temporary, p);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // The cache is an optimisation; a read-only home only costs retraining.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return new ImageClassifier(p, classes, data);
    }

    /// <summary>
    /// The classifier's own draws, per experiment seed. The chunk lies far above any chunk a metric's stream reaches;
    /// it predates named streams and stays so that cached classifiers and every image metric keep their values.
    /// </summary>
    private static StreamKey TrainingStream(ulong seed) => new StreamKey(seed, 0, 0, Purpose.Metric).WithChunk(ClassifierChunk);

    private const int ClassifierChunk = 0x4000_0000;

    private static void Train(ParameterBlock p, RowBatch images, byte[] labels, ulong seed)
    {
        var rng = TrainingStream(seed).Open();
        foreach (var layer in new[] { "fc1", "fc2", "fc3" })
        {
            Init.LinearDefault(p[layer + ".weight"], p[layer + ".bias"], rng.NextUInt64());
        }
        var adam = new Adam(p, 1e-3f);
        var (n, d) = (images.Count, images.Dim);
        var targets = new int[BatchSize];
        var perEpoch = (n + BatchSize - 1) / BatchSize;
        var epochs = Math.Max(Epochs, (MinimumSteps + perEpoch - 1) / perEpoch);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var order = rng.Permutation(n);
            for (var start = 0; start < n; start += BatchSize)
            {
                var size = Math.Min(BatchSize, n - start);
                var x = new float[size * d];
                for (var i = 0; i < size; i++)
                {
                    var row = images.Row(order[start + i]);
                    for (var j = 0; j < d; j++)
                    {
                        x[i * d + j] = (float)row[j];
                    }
                    targets[i] = labels[order[start + i]];
                }
                p.ZeroGrad();
                using var tape = new Tape(recycleBuffers: true);
                var (_, logits) = Forward(p, Tensor.FromArray(x, size, d));
                tape.Backward(Ops.CrossEntropy(logits, targets.AsSpan(0, size)));
                adam.Step();
            }
        }
    }

    /// <summary>Features (B,64) and logits (B,K) of images x (B,D).</summary>
    private static (Tensor Features, Tensor Logits) Forward(ParameterBlock p, Tensor x)
    {
        var h = Ops.Relu(Ops.Linear(x, p["fc1.weight"], p["fc1.bias"]));
        var f = Ops.Relu(Ops.Linear(h, p["fc2.weight"], p["fc2.bias"]));
        return (f, Ops.Linear(f, p["fc3.weight"], p["fc3.bias"]));
    }

    private Embedding Compute(RowBatch images)
    {
        var (n, d) = (images.Count, images.Dim);
        var features = new double[n * Features];
        var classes = new int[n];
        using var scope = Tape.NoGrad();
        for (var start = 0; start < n; start += Chunk)
        {
            var size = Math.Min(Chunk, n - start);
            var x = new float[size * d];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)images.Values[start * d + i];
            }
            var (f, logits) = Forward(_p, Tensor.FromArray(x, size, d));
            var fs = f.Data;
            for (var i = 0; i < fs.Length; i++)
            {
                features[start * Features + i] = fs[i];
            }
            var ls = logits.Data;
            for (var i = 0; i < size; i++)
            {
                var row = ls.Slice(i * Classes, Classes);
                var best = 0;
                for (var k = 1; k < Classes; k++)
                {
                    best = row[k] > row[best] ? k : best;
                }
                classes[start + i] = best;
            }
        }
        return new Embedding(new RowBatch(features, Features), classes);
    }

    private static string CachePath(ImageData data, ulong seed)
    {
        // FNV-1a over the training pixels and labels, the architecture and the seed.
        var h = 14695981039346656037UL;
        void Mix(ulong v)
        {
            h = (h ^ v) * 1099511628211UL;
        }
        foreach (var v in data.TrainPortion.Values)
        {
            Mix((ulong)BitConverter.DoubleToInt64Bits(v));
        }
        foreach (var l in data.TrainLabels!)
        {
            Mix(l);
        }
        Mix((ulong)data.Dim);
        Mix(Hidden * 1000UL + Features);
        Mix(Epochs * 100_000UL + MinimumSteps);
        Mix(seed);
        var root = Environment.GetEnvironmentVariable("COLLAPSELAB_CACHE") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "collapselab");
        return Path.Combine(root, "classifiers", $"mlp-{h:x16}.safetensors");
    }
}

/// <summary>Feature rows (n×64) and predicted classes of a batch of images.</summary>
public sealed record Embedding(RowBatch Features, int[] Classes);
