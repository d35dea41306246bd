using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families.Gaussian;
using CollapseLab.Families.Mixture;
using CollapseLab.Metrics;
using CollapseLab.Numerics;
using CollapseLab.Random;
using CollapseLab.Specs;
using CollapseLab.Tests.Families.Mixture;

namespace CollapseLab.Tests.Metrics;

public class MixtureMetricTests
{
    [Fact]
    public void L2OfTwoUnitGaussiansMatchesTheFormula()
    {
        var p = new GaussianComponents(1, [1.0], [0.0], [[1.0]]);
        var q = new GaussianComponents(1, [1.0], [1.0], [[1.0]]);
        // ∫(φ(x) − φ(x−1))² = 2/(2√π) − 2·N(1; 0, 2).
        var expected = 1 / Math.Sqrt(Math.PI) - 2 * Math.Exp(-0.25) / Math.Sqrt(4 * Math.PI);
        Assert.Equal(expected, MixtureL2.Squared(p, q), 14);
        Assert.Equal(0, MixtureL2.Squared(p, p));
    }

    /// <summary>∫(p−q)² = E_p[p − q] − E_q[p − q], estimated by Monte Carlo with its standard error.</summary>
    [Fact]
    public void L2OfMixturesMatchesMonteCarlo()
    {
        var p = MixtureTestData.Truth();
        var q = p with { Weights = [0.3, 0.3, 0.4], Means = [0.5, 0, 6, 2, -4, 4] };
        var mp = MixtureTestData.Model(p);
        var mq = MixtureTestData.Model(q);
        const int n = 200_000;
        var xs = (RowBatch)mp.Sample(n, new StreamKey(1, 0, 0, Purpose.Metric), 1);
        var ys = (RowBatch)mq.Sample(n, new StreamKey(2, 0, 0, Purpose.Metric), 1);
        double Mean(RowBatch s, out double se)
        {
            var v = Enumerable.Range(0, s.Count).Select(i => Math.Exp(mp.LogDensity(s.Row(i))) - Math.Exp(mq.LogDensity(s.Row(i)))).ToArray();
            var m = v.Average();
            se = Math.Sqrt(v.Select(x => (x - m) * (x - m)).Sum() / (n - 1) / n);
            return m;
        }
        var estimate = Mean(xs, out var se1) - Mean(ys, out var se2);
        var exact = MixtureL2.Squared(p, q);
        Assert.InRange(exact, estimate - 4 * Math.Sqrt(se1 * se1 + se2 * se2), estimate + 4 * Math.Sqrt(se1 * se1 + se2 * se2));
    }

    [Fact]
    public void L2ToASingularGaussianIsInfinite()
    {
        var real = new GaussianComponents(1, [1.0], [0.0], [[1.0]]);
        var collapsed = MixtureViews.Of(new GaussianModel([0.0], [0.0]));
        Assert.Equal(double.PositiveInfinity, MixtureL2.Squared(collapsed, real));
    }

    [Fact]
    public void HungarianMatchesBruteForce()
    {
        var rng = new StreamKey(5, 0, 0, Purpose.Metric).Open();
        for (var trial = 0; trial < 200; trial++)
        {
            var n = 1 + rng.NextInt(5);
            var m = 1 + rng.NextInt(5);
            var cost = Enumerable.Range(0, n * m).Select(_ => rng.NextDouble()).ToArray();
            var assignment = Assignment.Solve(cost, n, m);
            var total = Enumerable.Range(0, n).Where(i => assignment[i] >= 0).Sum(i => cost[i * m + assignment[i]]);
            Assert.Equal(Math.Min(n, m), assignment.Count(a => a >= 0));
            Assert.Equal(Math.Min(n, m), assignment.Where(a => a >= 0).Distinct().Count());
            Assert.Equal(BruteForce(cost, n, m), total, 12);
        }
    }

    private static double BruteForce(double[] cost, int n, int m)
    {
        // Rows ≤ columns: try every injective map; otherwise transpose.
        if (n > m)
        {
            var t = new double[n * m];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    t[j * n + i] = cost[i * m + j];
                }
            }
            return BruteForce(t, m, n);
        }
        double Best(int row, int used) => row == n ? 0 : Enumerable.Range(0, m)
            .Where(j => (used & (1 << j)) == 0)
            .Min(j => cost[row * m + j] + Best(row + 1, used | (1 << j)));
        return Best(0, 0);
    }

    [Fact]
    public void MatchingUndoesLabelSwitchingAndFindsLostModes()
    {
        var real = MixtureTestData.Truth();
        var permuted = new GaussianComponents(2, [real.Weights[2], real.Weights[0], real.Weights[1]],
            [.. real.Mean(2), .. real.Mean(0), .. real.Mean(1)], [real.Covariances[2], real.Covariances[0], real.Covariances[1]]);
        var match = ComponentMatch.Of(permuted, real);
        Assert.Equal(real.Weights, match.Weights);
        Assert.All(match.MeanShifts, s => Assert.Equal(0, s));
        Assert.All(match.SpreadRatios, s => Assert.Equal(1, s, 12));

        // Two model components for three real ones: the third real component (at (−4, 5)) is lost.
        var fewer = new GaussianComponents(2, [0.6, 0.4], [0, 0, 6, 1], [real.Covariances[0], real.Covariances[1]]);
        var lost = ComponentMatch.Of(fewer, real);
        Assert.Equal([0.6, 0.4, 0.0], lost.Weights);
        Assert.Equal(Math.Sqrt(16 + 25), lost.MeanShifts[2], 12);
    }

    /// <summary>The Monte-Carlo tail mass works for mixtures: the truth itself puts about 1% beyond the real 1% region.</summary>
    [Fact]
    public void TailMassOfTheTrueMixtureIsOnePercent()
    {
        var spec = MixtureTestData.Load("""
            generations: 1
            data: { source: mixture, weights: [0.5, 0.3, 0.2], means: [[0, 0], [6, 1], [-4, 5]], std: [1, 0.7, 0.5], test: 40000 }
            model: { family: gmm, components: 3 }
            metrics: [tail_mass]
            """);
        var data = spec.Arms[0].Data;
        var truth = MixtureTestData.Model(MixtureTruth.Of(data)!);
        var context = new MetricContext(0, truth, truth, data, data.Test, data.Test, new StreamKey(3, 0, 0, Purpose.Metric), 1);
        var mass = new TailMassMetric().Compute(context);
        // Binomial error of the model draws plus that of the empirical 99% quantile on 40,000 test rows.
        var se = Math.Sqrt(0.01 * 0.99 / TailMassMetric.Draws + 0.01 * 0.99 / 40000);
        Assert.InRange(mass, 0.01 - 4 * se, 0.01 + 4 * se);
    }

    [Fact]
    public void RealReferenceNeedsAMixtureTruth()
    {
        var e = Assert.Throws<SpecException>(() => MixtureTestData.Load("""
            generations: 1
            data: { source: moons }
            model: { family: gmm, components: 4 }
            metrics: [l2_to_real]
            """));
        Assert.Contains("l2_to_model0", e.Message, StringComparison.Ordinal);
        // Default metrics leave out what the data cannot support.
        var spec = MixtureTestData.Load("generations: 1\ndata: { source: moons }\nmodel: { family: gmm, components: 4 }\n");
        Assert.Contains(spec.Metrics, m => m.Name == "l2_to_model0");
        Assert.DoesNotContain(spec.Metrics, m => m.Name == "l2_to_real");
    }

    [Fact]
    public void GaussianFamilyGetsTheL2MetricsToo()
    {
        var spec = MixtureTestData.Load("generations: 1\ndata: { source: gaussian, dim: 2 }\nmodel: { family: gaussian }\nmetrics: [l2_to_real, l2_to_model0, max_mean_shift]\n");
        Assert.Equal(5, spec.Metrics.Count); // the three named plus collapsed and real_share, always added
    }
}
