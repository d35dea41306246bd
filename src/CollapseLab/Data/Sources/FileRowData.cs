using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Data.Sources;

/// <summary>
/// Real rows from a file, split once per experiment (seeded) into a training portion and a held-out test set.
/// Each replicate's pool is a seeded subset of the training portion; fresh real samples are drawn from it with
/// replacement. The reference moments are those of all rows.
/// </summary>
public sealed class FileRowData : RowData
{
    private readonly RowBatch _trainPortion;
    private readonly string _description;

    public FileRowData(RowBatch trainPortion, RowBatch test, int poolSize, string description)
    {
        _trainPortion = trainPortion;
        Test = test;
        PoolSize = poolSize;
        _description = description;
        var all = (RowBatch)trainPortion.Compose([new BatchPart(trainPortion, null), new BatchPart(test, null)]);
        ReferenceMean = Moments.Mean(all, 1);
        ReferenceCovariance = Moments.Covariance(all, ReferenceMean, 1, 1);
    }

    public override int Dim => _trainPortion.Dim;

    public override RowBatch Test { get; }

    public override int PoolSize { get; }

    public override double[] ReferenceMean { get; }

    public override double[] ReferenceCovariance { get; }

    public override bool ReferenceIsExactGaussian => false;

    public override DataBatch Pool(ulong seed, int replicate)
    {
        if (PoolSize == _trainPortion.Count)
        {
            return _trainPortion;
        }
        var pick = new StreamKey(seed, replicate, 0, Purpose.RealPool).Open().Choose(_trainPortion.Count, PoolSize);
        return _trainPortion.Compose([new BatchPart(_trainPortion, pick)]);
    }

    public override DataBatch Fresh(int count, StreamKey stream)
    {
        var rng = stream.Open();
        var pick = new int[count];
        for (var i = 0; i < count; i++)
        {
            pick[i] = rng.NextInt(_trainPortion.Count);
        }
        return _trainPortion.Compose([new BatchPart(_trainPortion, pick)]);
    }

    public override string Describe() => $"{_description}; real pool {PoolSize}, test {Test.Count}";

    /// <summary>Splits rows into a training portion and a test set by a seeded permutation.</summary>
    public static (RowBatch Train, RowBatch Test) Split(RowBatch rows, double testFraction, ulong seed)
    {
        var order = new StreamKey(seed, 0, 0, Purpose.Split).Open().Permutation(rows.Count);
        var testCount = (int)Math.Round(rows.Count * testFraction);
        var test = rows.Compose([new BatchPart(rows, order[..testCount])]);
        var train = rows.Compose([new BatchPart(rows, order[testCount..])]);
        return ((RowBatch)train, (RowBatch)test);
    }
}
