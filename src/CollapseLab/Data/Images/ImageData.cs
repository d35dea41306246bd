using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Data.Images;

/// <summary>
/// Real images as rows of Width·Height pixels in [0, 1], with their class labels (kept for the image metrics).
/// The training portion is the training file (or its first <c>train</c> images); each replicate's pool is a seeded
/// subset of it; fresh real images are drawn from it with replacement. The test set is the test file's first images.
/// The reference moments (for the Gaussian metrics) are computed on first use, as a 784×784 covariance is costly.
/// </summary>
public sealed class ImageData : RowData
{
    private readonly string _description;
    private double[]? _mean;
    private double[]? _covariance;

    public ImageData(RowBatch trainPortion, byte[]? trainLabels, RowBatch test, byte[]? testLabels, int width, int height, int poolSize, string description)
    {
        TrainPortion = trainPortion;
        TrainLabels = trainLabels;
        Test = test;
        TestLabels = testLabels;
        Width = width;
        Height = height;
        PoolSize = poolSize;
        _description = description;
    }

    public RowBatch TrainPortion { get; }

    /// <summary>Class of each training image, or null when no label file was given.</summary>
    public byte[]? TrainLabels { get; }

    public byte[]? TestLabels { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Number of classes (largest label + 1), 0 without labels.</summary>
    public int Classes => TrainLabels is null || TrainLabels.Length == 0 ? 0 : TrainLabels.Max() + 1;

    /// <summary>Identity of the real images for caches (file names and counts).</summary>
    public string Identity => _description;

    public override int Dim => Width * Height;

    public override RowBatch Test { get; }

    public override int PoolSize { get; }

    public override double[] ReferenceMean => _mean ??= Moments.Mean(TrainPortion, Environment.ProcessorCount);

    public override double[] ReferenceCovariance => _covariance ??= Moments.Covariance(TrainPortion, ReferenceMean, 1, Environment.ProcessorCount);

    public override bool ReferenceIsExactGaussian => false;

    public override DataBatch Pool(ulong seed, int replicate)
    {
        if (PoolSize == TrainPortion.Count)
        {
            return TrainPortion;
        }
        var pick = new StreamKey(seed, replicate, 0, Purpose.RealPool).Open().Choose(TrainPortion.Count, PoolSize);
        return TrainPortion.Compose([new BatchPart(TrainPortion, pick)]);
    }

    public override DataBatch Fresh(int count, StreamKey stream)
    {
        var rng = stream.Open();
        var pick = new int[count];
        for (var i = 0; i < count; i++)
        {
            pick[i] = rng.NextInt(TrainPortion.Count);
        }
        return TrainPortion.Compose([new BatchPart(TrainPortion, pick)]);
    }

    public override string Describe() => $"{_description}; real pool {PoolSize}, test {Test.Count}";

    /// <summary>Pixels as rows of doubles: byte/255, or 1 where byte/255 ≥ ½ when <paramref name="binarize"/>.</summary>
    public static RowBatch ToRows(IdxFile.Images images, int count, bool binarize)
    {
        var d = images.PixelsPerImage;
        var values = new double[count * d];
        var pixels = images.Pixels;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = binarize ? (pixels[i] >= 128 ? 1.0 : 0.0) : pixels[i] / 255.0;
        }
        return new RowBatch(values, d);
    }
}
