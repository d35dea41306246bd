using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Families.Kde;
using CollapseLab.Random;
using CollapseLab.Specs;
using CollapseLab.Tests.TestSupport;

namespace CollapseLab.Tests.Families.Kde;

public class KdeModelTests
{
    /// <summary>Per-coordinate variance of the unit kernel: 1 (Gaussian), 1/(d+2) (uniform ball), 1/(d+4) (Epanechnikov).</summary>
    [Theory]
    [InlineData(KdeKernel.Gaussian, 1.0)]
    [InlineData(KdeKernel.Tophat, 1.0 / 5)]
    [InlineData(KdeKernel.Epanechnikov, 1.0 / 7)]
    public void SamplesHaveTheKernelsSpread(KdeKernel kernel, double unitVariance)
    {
        const int d = 3;
        const int count = 100_000;
        var h = new[] { 2.0, 0.5, 1.0 };
        var model = new KdeModel(new RowBatch([1, -1, 0], d), h, kernel);
        var samples = (RowBatch)model.Sample(count, new StreamKey(7, 0, 0, Purpose.Sample), 2);
        for (var j = 0; j < d; j++)
        {
            var values = Enumerable.Range(0, count).Select(i => samples.Values[i * d + j]).ToArray();
            var variance = values.Select(v => (v - model.Centres.Values[j]) * (v - model.Centres.Values[j])).Average();
            var expected = unitVariance * h[j] * h[j];
            // One centre: the closed-form moments are the centre and the kernel's own covariance.
            Assert.Equal(model.Centres.Values[j], model.Mean[j]);
            Assert.Equal(expected, model.Covariance[j * d + j], 1e-12);
            // The standard error of a variance estimate is below σ²·√(2 + excess kurtosis)/√N ≤ σ²·√3/√N for these kernels.
            Assert.InRange(variance, expected * (1 - 5 * Math.Sqrt(3.0 / count)), expected * (1 + 5 * Math.Sqrt(3.0 / count)));
            if (kernel != KdeKernel.Gaussian)
            {
                Assert.All(values, v => Assert.InRange(Math.Abs(v - model.Centres.Values[j]), 0, h[j]));
            }
        }
    }

    [Fact]
    public void MomentsAreTheCentresPlusTheKernel()
    {
        var centres = new RowBatch([0, 0, 2, 0, 0, 4], 2);
        var model = new KdeModel(centres, [1.0, 0.5], KdeKernel.Gaussian);
        Assert.Equal([2.0 / 3, 4.0 / 3], model.Mean);
        // Centres' covariance (÷ n): var x = 8/9, var y = 32/9, cov = −8/9; plus h² on the diagonal.
        Assert.Equal(8.0 / 9 + 1, model.Covariance[0], 1e-12);
        Assert.Equal(-8.0 / 9, model.Covariance[1], 1e-12);
        Assert.Equal(32.0 / 9 + 0.25, model.Covariance[3], 1e-12);
    }

    [Fact]
    public void SamplingIsTheSameForAnyThreadCount()
    {
        var centres = (RowBatch)new KdeModel(new RowBatch([0, 0], 2), [1, 1], KdeKernel.Gaussian)
            .Sample(500, new StreamKey(1, 0, 0, Purpose.Sample), 1);
        var model = new KdeModel(centres, [0.3, 0.3], KdeKernel.Epanechnikov);
        var key = new StreamKey(3, 2, 5, Purpose.Sample);
        var one = (RowBatch)model.Sample(40_000, key, 1);
        var two = (RowBatch)model.Sample(40_000, key, 2);
        Assert.Equal(one.Values, two.Values);
        var scoresOne = new double[one.Count];
        var scoresTwo = new double[one.Count];
        model.LogDensities(one, scoresOne, 1);
        model.LogDensities(one, scoresTwo, 2);
        Assert.Equal(scoresOne, scoresTwo);
    }

    [Fact]
    public void GaussianLogDensityIsStableFarFromTheData()
    {
        var model = new KdeModel(new RowBatch([0.0, 1.0], 1), [0.01], KdeKernel.Gaussian);
        // Two centres; at x = 100 both kernel values underflow, but log p is exact: −(99)²/(2·0.01²) + log(½φ-norm).
        var expected = -0.5 * (99 / 0.01) * (99 / 0.01) - 0.5 * Math.Log(2 * Math.PI) - Math.Log(0.01) - Math.Log(2);
        Assert.Equal(expected, model.LogDensity([100.0]), 1e-6 * Math.Abs(expected));
    }

    [Fact]
    public void ScottRuleFollowsTheTrainingSize()
    {
        var family = new KdeFamily(KdeKernel.Gaussian, Bandwidth.Scott);
        var train = new RowBatch(new double[300 * 2].Select((_, i) => (double)(i % 17)).ToArray(), 2);
        var model = (KdeModel)family.Fit(train, new FitContext(0, new StreamKey(0, 0, 0, Purpose.Fit), 1, null, null, train));
        Assert.Equal(Math.Pow(300, -1.0 / 6), model.Bandwidth[0], 1e-15);
    }

    private const string Spec = """
        generations: 2
        data: { source: gaussian, dim: 2, train: 20, test: 50 }
        model: { family: kde, BANDWIDTH }
        """;

    [Theory]
    [InlineData("bandwidth: 0", "must be greater than 0")]
    [InlineData("bandwidth: -0.5", "must be greater than 0")]
    [InlineData("bandwidth: [0.5, 0]", "must be greater than 0")]
    [InlineData("bandwidth: [0.5, 1, 2]", "has 3 entries but the data have 2 dimensions")]
    [InlineData("bandwidth: scot", "Did you mean 'scott'?")]
    [InlineData("kernel: epanechnicov", "Did you mean 'epanechnikov'?")]
    public void BadOptionsAreClearErrors(string option, string message)
    {
        var error = Assert.Throws<SpecException>(() => KdeSpecs.Load(Spec.Replace("BANDWIDTH", option, StringComparison.Ordinal)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("test.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsEndToEndWithPerDimensionBandwidths()
    {
        var spec = KdeSpecs.Load(Spec.Replace("BANDWIDTH", "bandwidth: [0.5, 0.2], kernel: tophat", StringComparison.Ordinal)
            + "\nmetrics: [test_nll]\n");
        var results = new CollapseLab.Running.ExperimentRunner(spec, null, 1).Run(CancellationToken.None)!;
        Assert.All(results[0].Values, v => Assert.False(double.IsNaN(v)));
    }
}
