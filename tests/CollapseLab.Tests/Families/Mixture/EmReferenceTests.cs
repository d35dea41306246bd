using System.Text.Json;
using CollapseLab.Data;
using CollapseLab.Families.Mixture;
using CollapseLab.Tests.Fixtures;

namespace CollapseLab.Tests.Families.Mixture;

/// <summary>
/// EM against scikit-learn. The references in Fixtures/mixture/em_reference.json were made by
/// Fixtures/mixture/make_fixtures.py with Debian's python3-sklearn 1.2.1 (GaussianMixture with weights_init,
/// means_init and precisions_init set to the fixture's initial parameters, tol=0, max_iter=1..12, reading
/// lower_bound_ after each). These tests only read the committed JSON.
/// </summary>
public class EmReferenceTests
{
    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Path("mixture/em_reference.json"))).RootElement;

    public static TheoryData<string> Kinds => new() { "full", "tied", "diag", "spherical" };

    private static double[] Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().SelectMany(Flat).ToArray()
        : [e.GetDouble()];

    private static (RowBatch X, JsonElement Case) Load(string kind)
    {
        var rows = Reference.GetProperty("X").EnumerateArray().ToArray();
        var d = rows[0].GetArrayLength();
        var x = new RowBatch(rows.SelectMany(Flat).ToArray(), d);
        var c = Reference.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("covariance").GetString() == kind);
        return (x, c);
    }

    private static MixtureParameters Parameters(CovarianceKind kind, int d, JsonElement weights, JsonElement means, JsonElement covariances)
    {
        var w = Flat(weights);
        var all = Flat(covariances);
        var length = MixtureParameters.CovarianceLength(kind, d);
        var covs = all.Chunk(length).ToArray();
        return new MixtureParameters(kind, d, w, Flat(means), covs);
    }

    private static MixtureFamily Options(CovarianceKind kind, int iterations) =>
        new(3, kind, MixtureInit.KMeansPlusPlus, 1, 0, iterations, 1e-6, EmptyComponentAction.Drop);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LowerBoundOfEveryIterationMatchesScikitLearn(string name)
    {
        var kind = CovarianceKinds.Parse(name);
        var (x, c) = Load(name);
        var expected = Flat(c.GetProperty("lower_bounds"));
        var start = Parameters(kind, x.Dim, c.GetProperty("weights_init"), c.GetProperty("means_init"), c.GetProperty("covariances_init"));
        var fit = new ExpectationMaximization(x, Options(kind, expected.Length), 1).Run(start);
        Assert.Equal(expected.Length, fit.Iterations);
        var worst = expected.Select((e, i) => Math.Abs(fit.LowerBounds[i] - e) / Math.Abs(e)).Max();
        Assert.True(worst < 1e-6, $"largest relative difference {worst:E2}");
        Assert.Equal(0, fit.EmptiedComponents);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FinalParametersMatchScikitLearn(string name)
    {
        var kind = CovarianceKinds.Parse(name);
        var (x, c) = Load(name);
        var iterations = c.GetProperty("lower_bounds").GetArrayLength();
        var start = Parameters(kind, x.Dim, c.GetProperty("weights_init"), c.GetProperty("means_init"), c.GetProperty("covariances_init"));
        var fit = new ExpectationMaximization(x, Options(kind, iterations), 1).Run(start);
        var expected = Parameters(kind, x.Dim, c.GetProperty("weights"), c.GetProperty("means"), c.GetProperty("covariances"));
        AssertClose(expected.Weights, fit.Parameters.Weights);
        AssertClose(expected.Means, fit.Parameters.Means);
        AssertClose(expected.Covariances.SelectMany(v => v).ToArray(), fit.Parameters.Covariances.SelectMany(v => v).ToArray());
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(1, Math.Abs(e))).Max();
        Assert.True(worst < 1e-6, $"largest difference {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SameBitsForAnyThreadCount(string name)
    {
        var kind = CovarianceKinds.Parse(name);
        // Large enough for several row chunks.
        var truth = new MixtureModel(Parameters(kind, 3, Load(name).Case.GetProperty("weights"), Load(name).Case.GetProperty("means"), Load(name).Case.GetProperty("covariances")));
        var x = (RowBatch)truth.Sample(5000, new CollapseLab.Random.StreamKey(1, 0, 0, CollapseLab.Random.Purpose.RealPool), 1);
        var family = Options(kind, 30) with { Restarts = 2 };
        var one = new ExpectationMaximization(x, family, 1).Fit(new CollapseLab.Random.StreamKey(2, 0, 0, CollapseLab.Random.Purpose.Fit), null);
        var two = new ExpectationMaximization(x, family, 2).Fit(new CollapseLab.Random.StreamKey(2, 0, 0, CollapseLab.Random.Purpose.Fit), null);
        Assert.Equal(one.LowerBounds, two.LowerBounds);
        Assert.Equal(one.Parameters.Means, two.Parameters.Means);
        Assert.Equal(one.Parameters.Covariances.SelectMany(v => v), two.Parameters.Covariances.SelectMany(v => v));
    }
}
