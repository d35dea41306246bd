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
        // The real test set itself, shifted by (3, 0): each projection moves by 3·θ₁, so sliced W1 = 3·mean|θ₁|,
        // and mean|θ₁| over directions uniform on the circle is 2/π (128 fixed directions: within a few %).
        var shifted = new RowBatch(Real.Test.Values.Select((v, i) => i % 2 == 0 ? v + 3 : v).ToArray(), 2);
        Assert.InRange(Compute(new SlicedWassersteinMetric(), shifted), 3 * 2 / Math.PI * 0.93, 3 * 2 / Math.PI * 1.07);
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
