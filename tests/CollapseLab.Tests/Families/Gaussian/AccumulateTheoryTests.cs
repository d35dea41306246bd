using CollapseLab.Families.Gaussian;

namespace CollapseLab.Tests.Families.Gaussian;

public class AccumulateTheoryTests
{
    [Fact]
    public void Accumulated_covariance_and_mean_drift_match_the_recursion()
    {
        var spec = TestSpecs.Load("""
            name: accumulate
            seed: 21
            generations: 25
            replicates: 3000
            data: { source: gaussian, dim: 2, train: 6, test: 10 }
            model: { family: gaussian, estimator: mle }
            samples_per_generation: 4
            policy: { kind: accumulate }
            metrics: [trace_ratio, mean_sq_error]
            """);
        var results = TestSpecs.Run(spec);
        var theory = new GaussianTheory(6, 4, 2, Unbiased: false, Accumulate: true);
        foreach (var t in new[] { 1, 5, 25 })
        {
            var (trace, traceSe) = TestSpecs.MeanAndError(TestSpecs.Column(spec, results, "accumulate", "trace_ratio", t));
            Assert.InRange(trace, theory.TraceRatio(t) - 4 * traceSe, theory.TraceRatio(t) + 4 * traceSe);
            var (drift, driftSe) = TestSpecs.MeanAndError(TestSpecs.Column(spec, results, "accumulate", "mean_sq_error", t));
            var expected = 2 * theory.MeanSquaredErrorOverTrace(t);
            Assert.InRange(drift, expected - 4 * driftSe, expected + 4 * driftSe);
        }
    }

    [Fact]
    public void Kazdan_accumulate_limits_are_bounded_away_from_zero()
    {
        // With M = n the recursion is r_{t+1} = r_t (1 − 1/(n (t+2)²)): r_100 = (n−1)/n · Π_{k=2}^{101}(1 − 1/(n k²)),
        // the values Kazdan et al. report as about 0.87 / 0.94 / 0.98 for n = 10 / 32 / 100.
        foreach (var (n, expected) in new[] { (10, 0.8442672326010067), (32, 0.9496750716291446), (100, 0.9837285566107185) })
        {
            Assert.Equal(expected, new GaussianTheory(n, n, 10, Unbiased: false, Accumulate: true).TraceRatio(100), 12);
        }
    }
}
