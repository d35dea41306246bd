using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families.Gaussian;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Curation;

public class RewardTests
{
    private static readonly GaussianData Truth = new(new GaussianModel([0.0], [1.0]), 50, 10, 3);

    private static RowBatch Rows(params double[] x) => new(x, 1);

    private static RowBatch Keep(CurationStep step, RowBatch x, StreamKey stream) =>
        (RowBatch)step.Apply(new CurationInput(1, x, null!, Truth, stream, 1)).Kept;

    [Fact]
    public void A_luce_choice_of_two_picks_the_better_with_probability_e_over_1_plus_e()
    {
        // Pairs (0, 1) under r = −|x − 1|: rewards −1 and 0, so P(pick 1) = e⁰/(e⁻¹ + e⁰) = e/(1 + e) at τ = 1.
        const int pairs = 20_000;
        var x = Rows(Enumerable.Range(0, 2 * pairs).Select(i => (double)(i % 2)).ToArray());
        var step = new RewardStep(new DistanceReward([1], null), luce: true, k: 2, temperature: 1, fraction: 1);
        var kept = Keep(step, x, new StreamKey(3, 0, 1, Purpose.Curation).Named("reward"));
        Assert.Equal(pairs, kept.Count);
        var p = Math.E / (1 + Math.E);
        var se = Math.Sqrt(p * (1 - p) / pairs);
        Assert.InRange(kept.Values.Average(), p - 4 * se, p + 4 * se);
    }

    [Fact]
    public void With_large_k_the_luce_choice_tilts_the_law_by_e_to_the_r()
    {
        // x ~ N(0, 1) and r(x) = −|x − 100| = x − 100 on the support in practice: p·e^r ∝ N(1, 1), mean 1.
        // With K = 1000 the ratio-estimator bias is O(1/K), far below the standard error 1/√groups.
        const int k = 1000, groups = 1000;
        var x = (RowBatch)Truth.DrawTruth(k * groups, new StreamKey(5, 0, 1, Purpose.Sample));
        var step = new RewardStep(new DistanceReward([100], null), luce: true, k: k, temperature: 1, fraction: 1);
        var kept = Keep(step, x, new StreamKey(5, 0, 1, Purpose.Curation).Named("reward"));
        var se = 1 / Math.Sqrt(groups);
        Assert.InRange(kept.Values.Average(), 1 - 4 * se, 1 + 4 * se);
    }

    [Fact]
    public void The_top_rule_keeps_the_highest_rewards_in_sample_order()
    {
        var x = Rows(5, 1, 4, 2, 3, 4);
        var step = new RewardStep(new DistanceReward([5], null), luce: false, k: 1, temperature: 1, fraction: 0.5);
        Assert.Equal([5.0, 4, 4], Keep(step, x, default).Values);
    }

    [Fact]
    public void The_log_density_reward_is_the_truths_log_density()
    {
        var r = new double[2];
        new LogDensityReward().Score(Rows(0, 2), Truth, r);
        Assert.Equal(-0.5 * Math.Log(2 * Math.PI), r[0], 12);
        Assert.Equal(-0.5 * Math.Log(2 * Math.PI) - 2, r[1], 12);
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void Expected_reward_rises_and_faster_for_larger_k()
    {
        var spec = TestSpecs.Load("""
            seed: 1
            generations: 3
            replicates: 10
            data: { source: mixture, weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], std: 0.5, train: 256, test: 500 }
            model: { family: gmm, components: 2 }
            policy: replace
            arms:
              - { name: k2, curation: { steps: [{ step: reward, reward: { kind: distance, target: [2], dims: [0] }, k: 2 }], top_up: { max_draws: 2 } } }
              - { name: k16, curation: { steps: [{ step: reward, reward: { kind: distance, target: [2], dims: [0] }, k: 16 }], top_up: { max_draws: 16 } } }
            metrics: [reward]
            """);
        var results = TestSpecs.Run(spec);
        foreach (var arm in new[] { "k2", "k16" })
        {
            for (var g = 1; g <= 2; g++)
            {
                var rise = TestSpecs.Column(spec, results, arm, "reward", g).Zip(TestSpecs.Column(spec, results, arm, "reward", g - 1), (a, b) => a - b).ToArray();
                var (mean, se) = TestSpecs.MeanAndError(rise);
                Assert.True(mean > 3 * se, $"{arm}: reward rise to generation {g} is {mean:G3} ± {se:G3}");
            }
        }
        var faster = TestSpecs.Column(spec, results, "k16", "reward", 1).Zip(TestSpecs.Column(spec, results, "k2", "reward", 1), (a, b) => a - b).ToArray();
        var (m, s) = TestSpecs.MeanAndError(faster);
        Assert.True(m > 3 * s, $"K = 16 − K = 2 at generation 1: {m:G3} ± {s:G3}");
        // Top-up keeps every generation at the requested count: K draws of 256 for 256 survivors.
        var k16 = results.First(r => r.Arm == 1);
        Assert.All(k16.Curation, c => Assert.Equal((16 * 256, 256), (c.Seen, c.Kept)));
    }

    [Theory]
    [InlineData("{ step: reward, reward: { kind: distance, target: [0] }, k: 0 }", "curation[0].k", "between 1 and")]
    [InlineData("{ step: reward, reward: { kind: distanse, target: [0] } }", "curation[0].reward.kind", "Did you mean 'distance'")]
    [InlineData("{ step: reward, reward: { kind: distance } }", "curation[0].reward.target", "target point")]
    [InlineData("{ step: reward, reward: { kind: distance, target: [0, 1] } }", "curation[0]", "one per coordinate")]
    [InlineData("{ step: reward, reward: { kind: distance, target: [0] }, k: 50 }", "curation[0]", "lower k")]
    [InlineData("{ step: reward, reward: { kind: distance, target: [0] }, temperature: 0 }", "curation[0].temperature", "greater than 0")]
    [InlineData("{ step: reward, reward: { kind: pattern, pattern: \"a(\" } }", "curation[0].reward.pattern", "not a valid regular expression")]
    [InlineData("{ step: reward, reward: { kind: length } }", "curation[0]", "needs text")]
    [InlineData("{ step: reward, reward: { kind: distance, target: [0] }, rule: top, fraction: 0 }", "curation[0].fraction", "greater than 0")]
    public void Bad_reward_options_are_located_errors(string step, string key, string what)
    {
        CurationSpecErrors.AssertRefused(step, key, what);
    }

    [Fact]
    public void The_reward_metric_needs_a_reward_step()
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 2
            data: { source: gaussian, train: 10, test: 10 }
            model: gaussian
            metrics: [reward]
            """));
        Assert.Contains("needs a reward curation step", error.Message, StringComparison.Ordinal);
    }
}
