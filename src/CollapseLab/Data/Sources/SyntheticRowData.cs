using CollapseLab.Families;
using CollapseLab.Families.Mixture;
using CollapseLab.Numerics;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// Real rows drawn from a known synthetic distribution: the test set once per experiment, each replicate's pool
/// and fresh draws from their own streams. Where the distribution is a Gaussian mixture, <see cref="Truth"/>
/// holds it exactly and the reference moments are its closed-form moments; otherwise (moons, circles, swiss
/// roll) the reference moments are those of the test set.
/// </summary>
public sealed class SyntheticRowData : RowData, IKnownTruth
{
    private readonly Func<int, StreamKey, RowBatch> _draw;
    private readonly string _description;

    public SyntheticRowData(Func<int, StreamKey, RowBatch> draw, GaussianComponents? truth, int poolSize, int testSize, ulong seed, string description)
    {
        _draw = draw;
        _description = description;
        Truth = truth;
        TruthDensity = truth is null ? null : new MixtureModel(new MixtureParameters(CovarianceKind.Full, truth.Dim, truth.Weights, truth.Means, truth.Covariances));
        PoolSize = poolSize;
        Test = draw(testSize, new StreamKey(seed, 0, 0, Purpose.RealTest));
        if (truth is null)
        {
            ReferenceMean = Moments.Mean(Test, 1);
            ReferenceCovariance = Moments.Covariance(Test, ReferenceMean, 1, 1);
        }
        else
        {
            ReferenceMean = truth.MixtureMean();
            ReferenceCovariance = truth.MixtureCovariance();
        }
    }

    /// <summary>The exact data-generating mixture, or null when the data is not a Gaussian mixture.</summary>
    public GaussianComponents? Truth { get; }

    public override GaussianComponents? KnownMixture => Truth;

    public IDensityModel? TruthDensity { get; }

    public RowBatch DrawTruth(int count, StreamKey stream) => _draw(count, stream);

    public override int Dim => Test.Dim;

    public override RowBatch Test { get; }

    public override int PoolSize { get; }

    public override double[] ReferenceMean { get; }

    public override double[] ReferenceCovariance { get; }

    public override bool ReferenceIsExactGaussian => Truth is { Count: 1 };

    public override DataBatch Pool(ulong seed, int replicate) => _draw(PoolSize, new StreamKey(seed, replicate, 0, Purpose.RealPool));

    public override DataBatch Fresh(int count, StreamKey stream) => _draw(count, stream);

    public override string Describe() => $"{_description}; real pool {PoolSize}, test {Test.Count}";

    /// <summary>count rows of width d, filled chunk by chunk, each chunk from its own stream.</summary>
    public static RowBatch Draw(int count, int d, StreamKey stream, ChunkedRows.Filler fill) =>
        ChunkedRows.Sample(count, d, stream, 1, fill);

    /// <summary>Reads <c>train</c> (real pool size, default 1000) and <c>test</c> (default 10,000).</summary>
    public static (int Train, int Test) ReadSizes(SpecReader data) =>
        (data.Int("train", 1000, min: 1), data.Int("test", 10_000, min: 1));
}

/// <summary>The exact mixture behind real data, where there is one.</summary>
public static class MixtureTruth
{
    /// <summary>The truth of a mixture source (blobs, mixture) or of a Gaussian source (one component); else null.</summary>
    public static GaussianComponents? Of(ExperimentData data) => (data as RowData)?.KnownMixture;
}
