using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families.Gaussian;
using CollapseLab.Metrics;
using CollapseLab.Metrics.Samples;
using CollapseLab.Random;

namespace CollapseLab.Tests.Metrics.Samples;

public class SampleMetricTests
{
    private static readonly GaussianModel Truth = new([0, 0], [1, 0, 0, 1]);

    private static readonly GaussianData Real = new(Truth, 100, 1000, 42);

    private static double Compute(Metric metric, RowBatch samples, int generation = 1) =>
        metric.Compute(new MetricContext(generation, Truth, Truth, Real, samples, samples,
            new StreamKey(42, 0, generation, Purpose.Metric, 3 << 20), 1));

    private static RowBatch Fresh(int count, int stream) => (RowBatch)Truth.Sample(count, new StreamKey(7, stream, 0, Purpose.Sample), 1);

    private static RowBatch Shifted(RowBatch rows, double by) => new(rows.Values.Select(v => v + by).ToArray(), rows.Dim);

    [Fact]
    public void SameDistributionScoresAsSame()
    {
        var samples = Fresh(1000, 1);
        var mmd = Compute(new MmdMetric(), Fresh(500, 1));
        // MMD²ᵤ is unbiased: its spread at 500 vs 500 rows is a few 1e-3.
        Assert.InRange(mmd, -0.005, 0.005);
        Assert.InRange(Compute(new PrecisionMetric(), samples), 0.9, 1.0);
        Assert.InRange(Compute(new RecallMetric(), samples), 0.9, 1.0);
        Assert.InRange(Compute(new SlicedWassersteinMetric(), samples), 0, 0.08);
        Assert.Equal(1.0, Compute(new ModeCoverageMetric(), samples));
    }

    [Fact]
    public void DisjointDistributionsScoreAsDisjoint()
    {
        var far = Shifted(Fresh(1000, 2), 50);
        Assert.Equal(0, Compute(new PrecisionMetric(), far));
        Assert.Equal(0, Compute(new RecallMetric(), far));
        Assert.Equal(0, Compute(new ModeCoverageMetric(), far));
        // Both self-similarity terms are ≈ their within-set means; the cross term vanishes.
        Assert.InRange(Compute(new MmdMetric(), far), 0.5, 2);
    }

    [Fact]
    public void SlicedW1OfAShiftedCopyIsTheShiftAlongEachDirection()
    {
        // The real test set itself, shifted by (3, 0): each projection moves by exactly 3·θ₁, so sliced W1 is
        // 3·mean|θ₁| over the metric's directions, and that mean is near 2/π for directions uniform on the circle
        // (|θ₁| has SD 0.31, so 128 directions give 2/π within 4 standard errors: ±0.11).
        var shifted = new RowBatch(Real.Test.Values.Select((v, i) => i % 2 == 0 ? v + 3 : v).ToArray(), 2);
        var context = new MetricContext(1, Truth, Truth, Real, shifted, shifted, new StreamKey(42, 0, 1, Purpose.Metric, 3 << 20), 1);
        var directions = SlicedWassersteinMetric.Directions(context, 2);
        var meanAbsFirst = Enumerable.Range(0, SlicedWassersteinMetric.Projections).Average(p => Math.Abs(directions[2 * p]));
        Assert.Equal(3 * meanAbsFirst, new SlicedWassersteinMetric().Compute(context), 1e-9);
        Assert.InRange(meanAbsFirst, 2 / Math.PI - 0.11, 2 / Math.PI + 0.11);
        Assert.Equal(3, SlicedWassersteinMetric.W1Sorted([0, 1, 5], [3, 4, 8]), 1e-12);
        Assert.Equal(0.5, SlicedWassersteinMetric.W1Sorted([0, 1], [0.5]), 1e-12);
    }

    [Fact]
    public void ModeCoverageCountsLostModes()
    {
        // Every sample at one point: one k-means cluster of ten holds them.
        var point = new RowBatch(Enumerable.Repeat(0.0, 200 * 2).ToArray(), 2);
        Assert.Equal(1.0 / KMeansModes.Clusters, Compute(new ModeCoverageMetric(), point));
    }

    [Fact]
    public void PrecisionAndRecallShareTheGeneratedRowsAndAreDeterministic()
    {
        var samples = Fresh(3000, 3);
        var first = Compute(new PrecisionMetric(), samples);
        var again = new PrecisionMetric().Compute(new MetricContext(1, Truth, Truth, Real, samples, Shifted(samples, 0),
            new StreamKey(42, 0, 1, Purpose.Metric, 9 << 20), 1));
        Assert.Equal(first, again);
        Assert.Equal(1, PrecisionRecall.Radii(new RowBatch([0, 1, 3], 1), 1)[0]);
        Assert.Equal(0, PrecisionRecall.Radii(new RowBatch([5], 1), 3)[0]);
    }

    [Fact]
    public void LinearDataWorksWithSampleMetrics()
    {
        var data = new LinearData(new LinearTruth([1, 2], 1, FeatureKind.Uniform), 50, 300, 1);
        var samples = data.Truth.Sample(300, new StreamKey(1, 1, 1, Purpose.Sample));
        var value = new MmdMetric().Compute(new MetricContext(1, Truth, Truth, data, samples, samples, new StreamKey(1, 0, 1, Purpose.Metric), 1));
        Assert.InRange(value, -0.02, 0.02);
    }
}

public class GaussianComponentModesTests
{
    [Fact]
    public void PointsBelongToTheComponentWhoseEllipsoidHoldsThem()
    {
        var modes = new GaussianComponentModes([0.5, 0.5], [[0.0, 0.0], [10.0, 0.0]], [[1, 0, 0, 1], [4, 0, 0, 0.25]]);
        Assert.Equal(0, modes.ModeOf([0.5, -0.5]));
        Assert.Equal(1, modes.ModeOf([13.0, 0.0]));
        // χ²₂(0.99) = 9.21: (0, 3.1) is outside the unit ellipsoid (m² = 9.61) and far from the second.
        Assert.Equal(-1, modes.ModeOf([0.0, 3.1]));
        Assert.Equal(-1, modes.ModeOf([-4.0, 0.0]));
        // (5, 0) is 2.5 σ from the wide second component along its long axis: inside its ellipsoid.
        Assert.Equal(1, modes.ModeOf([5.0, 0.0]));
    }
}

public class KnownModeCoverageTests
{
    /// <summary>Two unit blobs at x = ±10 with known modes, as a mixture source provides them.</summary>
    private sealed class TwoBlobs : RowData, IKnownModes
    {
        private readonly GaussianComponentModes _modes = new([0.5, 0.5], [[-10.0, 0.0], [10.0, 0.0]], [[1, 0, 0, 1], [1, 0, 0, 1]]);

        public TwoBlobs() => Test = Blobs(400, 1);

        public static RowBatch Blobs(int count, int stream)
        {
            var unit = (RowBatch)new GaussianModel([0, 0], [1, 0, 0, 1]).Sample(count, new StreamKey(3, stream, 0, Purpose.RealTest), 1);
            return new RowBatch(unit.Values.Select((v, i) => i % 2 == 0 ? v + (i / 2 % 2 == 0 ? -10 : 10) : v).ToArray(), 2);
        }

        public IReadOnlyList<double> ModeWeights => _modes.ModeWeights;

        public int ModeOf(ReadOnlySpan<double> x) => _modes.ModeOf(x);

        public override int Dim => 2;

        public override RowBatch Test { get; }

        public override int PoolSize => 10;

        public override double[] ReferenceMean => [0, 0];

        public override double[] ReferenceCovariance => [101, 0, 0, 1];

        public override bool ReferenceIsExactGaussian => false;

        public override DataBatch Pool(ulong seed, int replicate) => Blobs(10, replicate);

        public override DataBatch Fresh(int count, StreamKey stream) => Blobs(count, stream.Replicate);

        public override string Describe() => "two blobs";
    }

    [Fact]
    public void UsesTheDataSourcesModesWhenItKnowsThem()
    {
        var data = new TwoBlobs();
        var model = new GaussianModel([0, 0], [1, 0, 0, 1]);
        double Coverage(RowBatch samples) => new ModeCoverageMetric().Compute(
            new MetricContext(1, model, model, data, samples, samples, new StreamKey(3, 0, 1, Purpose.Metric), 1));
        Assert.Equal(1.0, Coverage(TwoBlobs.Blobs(100, 2)));
        var leftOnly = new RowBatch(TwoBlobs.Blobs(100, 2).Values.Select((v, i) => i % 2 == 0 ? -Math.Abs(v) : v).ToArray(), 2);
        Assert.Equal(0.5, Coverage(leftOnly));
    }
}
