using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Families.Mixture;
using CollapseLab.Metrics;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Families.Mixture;

public class MixtureFamilyTests
{
    private static FitContext Context(int threads = 1, IModel? previous = null, int seed = 7) =>
        new(1, new StreamKey((ulong)seed, 0, 1, Purpose.Fit), threads, previous, null, new RowBatch([0.0], 1));

    /// <summary>
    /// Recovery: 20,000 samples of a known 3-component mixture; after matching components (label switching), each
    /// weight is within 4 standard errors √(w(1−w)/n) and each mean within 4·√(λmax(Σ)/(n·w)).
    /// </summary>
    [Theory]
    [InlineData(CovarianceKind.Full)]
    [InlineData(CovarianceKind.Diag)]
    public void RecoversKnownComponents(CovarianceKind kind)
    {
        var truth = MixtureTestData.Truth();
        if (kind == CovarianceKind.Diag)
        {
            truth = truth with { Covariances = [[1.0, 0, 0, 0.8], [0.5, 0, 0, 1.5], [0.7, 0, 0, 0.4]] };
        }
        const int n = 20_000;
        var x = MixtureTestData.Sample(truth, n, 11);
        var model = (MixtureModel)MixtureTestData.Family(3, kind).Fit(x, Context());
        var match = ComponentMatch.Of(model.Components, truth);
        for (var j = 0; j < 3; j++)
        {
            var w = truth.Weights[j];
            Assert.InRange(Math.Abs(match.Weights[j] - w), 0, 4 * Math.Sqrt(w * (1 - w) / n));
            var spread = Math.Max(truth.Covariances[j][0], truth.Covariances[j][3]) + Math.Abs(truth.Covariances[j][1]);
            Assert.InRange(match.MeanShifts[j], 0, 4 * Math.Sqrt(2 * spread / (n * w)));
            Assert.InRange(match.SpreadRatios[j], 0.9, 1.1);
        }
        Assert.True(model.Fit!.Converged);
    }

    [Fact]
    public void SameSeedSameBitsAnyThreads()
    {
        var x = MixtureTestData.Sample(MixtureTestData.Truth(), 5000, 3);
        var family = MixtureTestData.Family(3) with { Restarts = 3 };
        var a = (MixtureModel)family.Fit(x, Context(1));
        var b = (MixtureModel)family.Fit(x, Context(2));
        Assert.Equal(a.Parameters.Means, b.Parameters.Means);
        var sa = (RowBatch)a.Sample(40_000, new StreamKey(1, 0, 0, Purpose.Sample), 1);
        var sb = (RowBatch)a.Sample(40_000, new StreamKey(1, 0, 0, Purpose.Sample), 2);
        Assert.Equal(sa.Values, sb.Values);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("tied")]
    [InlineData("diag")]
    [InlineData("spherical")]
    public void FitSampleLogDensityIsFiniteForEveryKind(string kind)
    {
        var x = MixtureTestData.Sample(MixtureTestData.Truth(), 600, 5);
        var model = (MixtureModel)MixtureTestData.Family(3, CovarianceKinds.Parse(kind)).Fit(x, Context());
        var samples = (RowBatch)model.Sample(100, new StreamKey(2, 0, 0, Purpose.Sample), 1);
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.True(double.IsFinite(model.LogDensity(samples.Row(i))));
        }
        Assert.Null(model.Degeneracy);
    }

    /// <summary>Log-density integrates to 1: Monte Carlo mean of p(x)/q(x) under a wide proposal q.</summary>
    [Fact]
    public void LogDensityIsNormalised()
    {
        var model = MixtureTestData.Model(MixtureTestData.Truth());
        var rng = new StreamKey(9, 0, 0, Purpose.Metric).Open();
        const int n = 200_000;
        const double s = 6;
        var sum = 0.0;
        var sumSq = 0.0;
        Span<double> x = stackalloc double[2];
        for (var i = 0; i < n; i++)
        {
            x[0] = 1 + s * rng.NextNormal();
            x[1] = 2 + s * rng.NextNormal();
            var logQ = -Math.Log(2 * Math.PI * s * s) - 0.5 * (((x[0] - 1) * (x[0] - 1)) + ((x[1] - 2) * (x[1] - 2))) / (s * s);
            var ratio = Math.Exp(model.LogDensity(x) - logQ);
            sum += ratio;
            sumSq += ratio * ratio;
        }
        var mean = sum / n;
        var se = Math.Sqrt((sumSq / n - mean * mean) / n);
        Assert.InRange(mean, 1 - 4 * se, 1 + 4 * se);
    }

    [Fact]
    public void MomentsAreTheMixtureMoments()
    {
        var truth = MixtureTestData.Truth();
        var model = MixtureTestData.Model(truth);
        var samples = (RowBatch)model.Sample(400_000, new StreamKey(4, 0, 0, Purpose.Sample), 2);
        var mean = CollapseLab.Numerics.Moments.Mean(samples, 1);
        var cov = CollapseLab.Numerics.Moments.Covariance(samples, mean, 0, 1);
        for (var j = 0; j < 2; j++)
        {
            var se = Math.Sqrt(model.Covariance[j * 3] / samples.Count);
            Assert.InRange(mean[j] - model.Mean[j], -4 * se, 4 * se);
        }
        for (var k = 0; k < 4; k++)
        {
            Assert.InRange(cov[k] - model.Covariance[k], -0.1, 0.1);
        }
    }

    /// <summary>Collapsed data (every sample the same point): reg_covar keeps every component valid; no NaN.</summary>
    [Theory]
    [InlineData(EmptyComponentAction.Drop)]
    [InlineData(EmptyComponentAction.Reseed)]
    public void IdenticalSamplesGiveAFiniteModel(EmptyComponentAction onEmpty)
    {
        var x = new RowBatch(Enumerable.Repeat(new[] { 3.0, -1.0 }, 50).SelectMany(r => r).ToArray(), 2);
        var model = (MixtureModel)(MixtureTestData.Family(3) with { OnEmpty = onEmpty }).Fit(x, Context());
        Assert.True(double.IsFinite(model.LogDensity([3.0, -1.0])));
        Assert.All(model.Components.Means, v => Assert.True(double.IsFinite(v)));
        Assert.All(model.Parameters.Weights, w => Assert.InRange(w, 0, 1));
    }

    /// <summary>
    /// A component started far from all data empties in the first M step: dropped (K falls to 2) or re-seeded at the
    /// worst-fitted sample (K stays 3), counted either way.
    /// </summary>
    [Theory]
    [InlineData(EmptyComponentAction.Drop, 2)]
    [InlineData(EmptyComponentAction.Reseed, 3)]
    public void EmptiedComponentIsHandledAndCounted(EmptyComponentAction onEmpty, int components)
    {
        var truth = MixtureTestData.Truth();
        var x = MixtureTestData.Sample(truth, 2000, 8);
        var start = new MixtureParameters(CovarianceKind.Full, 2, [0.45, 0.45, 0.1], [0, 0, 6, 1, 1000, 1000],
            [[1.0, 0, 0, 1.0], [1.0, 0, 0, 1.0], [1e-3, 0, 0, 1e-3]]);
        var fit = new ExpectationMaximization(x, MixtureTestData.Family(3) with { OnEmpty = onEmpty }, 1).Run(start);
        Assert.True(fit.EmptiedComponents >= 1);
        Assert.Equal(components, fit.Parameters.Components);
        Assert.All(fit.LowerBounds, v => Assert.True(double.IsFinite(v)));
        Assert.All(fit.Parameters.Means, v => Assert.True(double.IsFinite(v)));
    }

    /// <summary>As many components as samples, two of them duplicates: the seed that lands on a duplicate gets no
    /// rows and is handled at initialisation; everything stays finite.</summary>
    [Theory]
    [InlineData(EmptyComponentAction.Drop)]
    [InlineData(EmptyComponentAction.Reseed)]
    public void AsManyComponentsAsSamplesWithDuplicates(EmptyComponentAction onEmpty)
    {
        var x = new RowBatch([0, 0, 0, 0, 1, 2, 5, -1, 3, 3], 2);
        foreach (var kind in new[] { CovarianceKind.Full, CovarianceKind.Tied, CovarianceKind.Diag, CovarianceKind.Spherical })
        {
            for (var seed = 0; seed < 5; seed++)
            {
                var model = (MixtureModel)(MixtureTestData.Family(5, kind) with { OnEmpty = onEmpty }).Fit(x, Context(seed: seed));
                Assert.All(model.Components.Means, v => Assert.True(double.IsFinite(v)));
                Assert.True(double.IsFinite(model.LogDensity([1.0, 2.0])));
                Assert.InRange(model.Components.Count, 1, 5);
            }
        }
    }

    [Fact]
    public void WarmStartContinuesFromThePreviousModel()
    {
        var x = MixtureTestData.Sample(MixtureTestData.Truth(), 3000, 2);
        var cold = (MixtureModel)MixtureTestData.Family(3).Fit(x, Context());
        var warm = (MixtureModel)MixtureTestData.Family(3, init: MixtureInit.Warm).Fit(x, Context(previous: cold));
        // Already at a fixed point: one or two iterations to confirm convergence. EM stops on the log-likelihood
        // (tol 1e-6), so overlapping components may still drift by ~1e-3 an iteration; a cold restart instead
        // would land components units apart or in another order.
        Assert.InRange(warm.Fit!.Iterations, 1, 2);
        Assert.Equal(cold.Parameters.Means, warm.Parameters.Means, (a, b) => Math.Abs(a - b) < 1e-2);
    }

    [Fact]
    public void ComponentsBeyondSamplesIsASpecError()
    {
        var e = Assert.Throws<SpecException>(() => MixtureTestData.Load("""
            generations: 2
            data: { source: mixture, weights: [0.5, 0.5], means: [[0, 0], [3, 3]], train: 4 }
            model: { family: gmm, components: 5 }
            """));
        Assert.Contains("model.components", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 components need at least 5 training samples", e.Message, StringComparison.Ordinal);
        Assert.Contains("test.yaml:3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCovarianceKindSuggestsTheNearest()
    {
        var e = Assert.Throws<SpecException>(() => MixtureTestData.Load("""
            generations: 2
            data: { source: blobs, centers: 2 }
            model: { family: gmm, covariance: sphericl }
            """));
        Assert.Contains("model.covariance", e.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'spherical'?", e.Message, StringComparison.Ordinal);
    }
}
