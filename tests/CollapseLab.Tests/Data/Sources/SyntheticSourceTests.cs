using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Numerics;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Data.Sources;

public class SyntheticSourceTests
{
    private static RowData Load(string dataYaml, string model = "{ family: gmm, components: 1 }") =>
        (RowData)SpecLoader.Load(SpecParser.ParseDocument($"generations: 1\ndata: {dataYaml}\nmodel: {model}\n", "s.yaml"), ".").Arms[0].Data;

    private static void AssertMean(RowBatch rows, int column, double expected, double variance)
    {
        var mean = Moments.Mean(rows, 1)[column];
        var se = Math.Sqrt(variance / rows.Count);
        Assert.InRange(mean, expected - 4 * se, expected + 4 * se);
    }

    [Fact]
    public void BlobsKeepTheirTruthAndCentresInTheBox()
    {
        var data = Load("{ source: blobs, centers: 4, dim: 3, std: 0.5, center_box: [-5, 5], test: 20000 }");
        var truth = MixtureTruth.Of(data)!;
        Assert.Equal(4, truth.Count);
        Assert.All(truth.Means, m => Assert.InRange(m, -5, 5));
        Assert.All(truth.Weights, w => Assert.Equal(0.25, w));
        var cov = truth.MixtureCovariance();
        for (var j = 0; j < 3; j++)
        {
            AssertMean(data.Test, j, truth.MixtureMean()[j], cov[j * 3 + j]);
        }
        // The same seed gives the same centres.
        Assert.Equal(truth.Means, MixtureTruth.Of(Load("{ source: blobs, centers: 4, dim: 3, std: 0.5, center_box: [-5, 5], test: 20000 }"))!.Means);
    }

    [Fact]
    public void MixtureSourceSamplesItsWeights()
    {
        var data = Load("{ source: mixture, weights: [0.2, 0.8], means: [[-10], [10]], covariances: [[[1]], [[4]]], test: 20000 }");
        var share = data.Test.Values.Count(v => v > 0) / (double)data.Test.Count;
        Assert.InRange(share, 0.8 - 4 * Math.Sqrt(0.16 / 20000), 0.8 + 4 * Math.Sqrt(0.16 / 20000));
        Assert.Equal(0.2 * -10 + 0.8 * 10, data.ReferenceMean[0], 12);
        // Var = Σ w(σ² + (μ − m)²) with m = 6: 0.2(1 + 256) + 0.8(4 + 16) = 67.4.
        Assert.Equal(67.4, data.ReferenceCovariance[0], 10);
    }

    [Fact]
    public void MoonsHaveTheirKnownMeans()
    {
        // x: ½(E cos t) + ½(1 − E cos t) = ½; y: ½(2/π) + ½(½ − 2/π) = ¼, t ~ U(0, π).
        var data = Load("{ source: moons, noise: 0.1, test: 40000 }");
        AssertMean(data.Test, 0, 0.5, 0.9);
        AssertMean(data.Test, 1, 0.25, 0.5);
        Assert.Null(MixtureTruth.Of(data));
    }

    [Fact]
    public void CirclesLieOnTheirRadii()
    {
        var data = Load("{ source: circles, noise: 0, factor: 0.3 }");
        for (var i = 0; i < data.Test.Count; i++)
        {
            var r = Math.Sqrt(data.Test.Values[2 * i] * data.Test.Values[2 * i] + data.Test.Values[2 * i + 1] * data.Test.Values[2 * i + 1]);
            Assert.True(Math.Abs(r - 1) < 1e-12 || Math.Abs(r - 0.3) < 1e-12, $"radius {r}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SwissRollRadiusIsItsParameter(int dim)
    {
        var data = Load($"{{ source: swiss_roll, dim: {dim}, test: 2000 }}");
        Assert.Equal(dim, data.Dim);
        for (var i = 0; i < data.Test.Count; i++)
        {
            var row = data.Test.Row(i);
            var r = Math.Sqrt(row[0] * row[0] + row[dim - 1] * row[dim - 1]);
            Assert.InRange(r, 1.5 * Math.PI - 1e-9, 4.5 * Math.PI + 1e-9);
            if (dim == 3)
            {
                Assert.InRange(row[1], 0, 21);
            }
        }
    }

    [Theory]
    [InlineData("{ source: mixture, weights: [0.5, 0.6], means: [[0], [1]] }", "sum to 1")]
    [InlineData("{ source: mixture, weights: [0.5, 0.5], means: [[0, 0], [1, 1]], covariances: [[[1, 2], [2, 1]], [[1, 0], [0, 1]]] }", "positive-definite")]
    [InlineData("{ source: mixture, weights: [1], means: [[0], [1]] }", "one mean per component")]
    [InlineData("{ source: blobs, centers: [[0, 0], [1, 1]], dim: 3 }", "make them agree")]
    [InlineData("{ source: circles, factor: 1 }", "below 1")]
    [InlineData("{ source: swiss_roll, dim: 4 }", "between 2 and 3")]
    [InlineData("{ source: \"npy:\" }", "the npy source needs the path of a NumPy .npy file")]
    public void BadOptionsAreSpecErrors(string yaml, string message)
    {
        var e = Assert.Throws<SpecException>(() => Load(yaml));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("s.yaml:", e.Message, StringComparison.Ordinal);
    }
}
