using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Families.Regression;
using CollapseLab.Random;
using CollapseLab.Specs;
using CollapseLab.Tests.TestSupport;

namespace CollapseLab.Tests.Families.Regression;

public class LinearRegressionTests
{
    private static FitContext Context(DataBatch pool, ExperimentData? data = null) =>
        new(0, new StreamKey(0, 0, 0, Purpose.Fit), 1, null, null, pool) { RealData = data };

    [Fact]
    public void OlsAndRidgeSolveTheNormalEquations()
    {
        // X = [[1,0],[0,1],[1,1]], y = [1,2,4]: XᵀX = [[2,1],[1,2]], Xᵀy = [5,6].
        var rows = new RowBatch([1, 0, 1, 0, 1, 2, 1, 1, 4], 3);
        var ols = (LinearRegressionModel)new LinearRegressionFamily(RegressionEstimator.Ols, 0, RegressionDesign.Fixed, false, false).Fit(rows, Context(rows));
        Assert.Equal(4.0 / 3, ols.Weights[0], 1e-14);
        Assert.Equal(7.0 / 3, ols.Weights[1], 1e-14);
        // RSS = (1 − 4/3)² + (2 − 7/3)² + (4 − 11/3)² = 1/3 over n − p = 1.
        Assert.Equal(1.0 / 3, ols.NoiseVariance, 1e-14);
        var ridge = (LinearRegressionModel)new LinearRegressionFamily(RegressionEstimator.Ridge, 1, RegressionDesign.Fixed, false, false).Fit(rows, Context(rows));
        // (XᵀX + I)⁻¹Xᵀy = [[3,1],[1,3]]⁻¹[5,6] = [9/8, 13/8].
        Assert.Equal(9.0 / 8, ridge.Weights[0], 1e-14);
        Assert.Equal(13.0 / 8, ridge.Weights[1], 1e-14);
    }

    [Fact]
    public void InterceptIsFittedAndUnpenalised()
    {
        var rows = new RowBatch([0, 3, 1, 5, 2, 7], 2);
        var model = (LinearRegressionModel)new LinearRegressionFamily(RegressionEstimator.Ols, 0, RegressionDesign.Fixed, false, true).Fit(rows, Context(rows));
        Assert.Equal(2, model.Weights[0], 1e-13);
        Assert.Equal(3, model.Intercept, 1e-13);
    }

    [Fact]
    public void RankDeficientFitsUseTheMinimumNormSolutionAndSayWhy()
    {
        // Two identical columns: the minimum-norm solution splits the weight equally.
        var rows = new RowBatch([1, 1, 2, 2, 2, 4, 3, 3, 6], 3);
        var model = new LinearRegressionFamily(RegressionEstimator.Ols, 0, RegressionDesign.Fixed, false, false).Fit(rows, Context(rows));
        var fitted = (LinearRegressionModel)model;
        Assert.Equal(1, fitted.Weights[0], 1e-10);
        Assert.Equal(1, fitted.Weights[1], 1e-10);
        Assert.Contains("rank 1 of 2", model.Degeneracy, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedDesignSamplesRelabelTheRealFeatures()
    {
        var truth = new LinearTruth([1.0, -2.0], 0.25, FeatureKind.Normal);
        var data = new LinearData(truth, 30, 10, 5);
        var pool = (RowBatch)data.Pool(5, 0);
        var family = new LinearRegressionFamily(RegressionEstimator.Ols, 0, RegressionDesign.Fixed, true, false);
        var model = (LinearRegressionModel)family.Fit(pool, Context(pool, data));
        Assert.Equal(0.25, model.NoiseVariance);
        var samples = (RowBatch)model.Sample(45, new StreamKey(1, 0, 1, Purpose.Sample), 1);
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.Equal(pool.Row(i % 30)[..2].ToArray(), samples.Row(i)[..2].ToArray());
        }
    }

    private const string Spec = """
        generations: 3
        data: { source: DATA }
        model: { family: linear_regression, MODEL }
        """;

    private static SpecException Fails(string data, string model) => Assert.Throws<SpecException>(() =>
        KdeSpecs.Load(Spec.Replace("DATA", data, StringComparison.Ordinal).Replace("MODEL", model, StringComparison.Ordinal)));

    [Fact]
    public void FewerRowsThanFeaturesIsASingularDesign()
    {
        var error = Fails("linear, dim: 10, train: 8", "estimator: ols");
        Assert.Contains("singular", error.Message, StringComparison.Ordinal);
        Assert.Contains("estimator: ridge", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.yaml:", error.Message, StringComparison.Ordinal);
        // Ridge fits the same data.
        KdeSpecs.Load(Spec.Replace("DATA", "linear, dim: 10, train: 8", StringComparison.Ordinal).Replace("MODEL", "estimator: ridge, alpha: 0.1", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicatedColumnsInAFileAreASingularDesign()
    {
        var path = Path.Combine(Path.GetTempPath(), $"collapselab-dup-{Environment.ProcessId}.csv");
        File.WriteAllLines(path, ["a,b,y", .. Enumerable.Range(0, 40).Select(i => $"{i % 7},{i % 7},{i % 5}")]);
        try
        {
            var error = Fails($"csv:{path}", "estimator: ols");
            Assert.Contains("linear combinations of others", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("gaussian, dim: 3", "design: fresh", "only data.source: linear")]
    [InlineData("gaussian, dim: 3", "noise: known", "only data.source: linear")]
    [InlineData("linear", "estimator: ols, alpha: 1", "needs estimator: ridge")]
    [InlineData("linear", "estimator: ridge, alpha: 0", "greater than 0")]
    [InlineData("linear", "estimator: lasso", "unknown value 'lasso'")]
    [InlineData("gaussian, dim: 1", "estimator: ols", "at least two columns")]
    public void BadOptionsAreClearErrors(string data, string model, string message) =>
        Assert.Contains(message, Fails(data, model).Message, StringComparison.Ordinal);
}
