using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families.Gaussian;
using CollapseLab.Numerics;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Curation;

public class CorrectTests
{
    private static readonly GaussianData Truth = new(new GaussianModel([0.0, 0.0], [1.0, 0, 0, 1.0]), 50, 10, 3);

    private static RowBatch Shifted(int n, double shift)
    {
        var rows = (RowBatch)new GaussianModel([shift, -shift], [0.25, 0, 0, 0.25]).Sample(n, new StreamKey(9, 0, 1, Purpose.Sample), 1);
        return rows;
    }

    private static CurationOutcome Apply(CurationStep step, RowBatch x, StreamKey stream) =>
        step.Apply(new CurationInput(1, x, null!, Truth, stream, 1));

    [Fact]
    public void The_assignment_is_the_cheapest_of_all_permutations()
    {
        var rng = new RandomStream(11);
        for (var trial = 0; trial < 20; trial++)
        {
            var n = 1 + trial % 7;
            var cost = Enumerable.Range(0, n * n).Select(_ => Math.Round(rng.NextDouble() * 10, 1)).ToArray();
            var match = Assignment.Solve(cost, n, n);
            Assert.Equal(Enumerable.Range(0, n), match.Order());
            var best = Permutations(n).Min(p => p.Select((j, i) => cost[i * n + j]).Sum());
            Assert.Equal(best, match.Select((j, i) => cost[i * n + j]).Sum(), 9);
        }
    }

    private static IEnumerable<int[]> Permutations(int n) => n == 0 ? [[]]
        : Permutations(n - 1).SelectMany(p => Enumerable.Range(0, n).Select(at => p.Take(at).Append(n - 1).Concat(p.Skip(at)).ToArray()));

    [Fact]
    public void Matching_moves_each_sample_a_fraction_t_toward_its_matched_truth_draw()
    {
        var x = Shifted(40, 3);
        var stream = new StreamKey(1, 0, 1, Purpose.Curation).Named("correct");
        var target = Truth.DrawTruth(40, stream.Named("target"));
        var full = (RowBatch)Apply(new CorrectStep(1, match: true), x, stream).Kept;
        // t = 1 lands on the truth draws themselves (to rounding), each used once.
        Assert.Equal(Rows(target).Order(), Rows(full).Order());
        var half = Apply(new CorrectStep(0.5, match: true), x, stream);
        Assert.Equal(40, half.Changed);
        var mid = (RowBatch)half.Kept;
        for (var i = 0; i < x.Values.Length; i++)
        {
            Assert.Equal(0.5 * (x.Values[i] + full.Values[i]), mid.Values[i], 12);
        }
    }

    private static IEnumerable<string> Rows(RowBatch b) => Enumerable.Range(0, b.Count).Select(i => string.Join(",", b.Row(i).ToArray().Select(v => v.ToString("F9", System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void The_mixture_correction_replaces_a_share_t_of_samples_with_truth_draws()
    {
        const int n = 20_000;
        const double t = 0.3;
        var x = Shifted(n, 3);
        var outcome = Apply(new CorrectStep(t, match: false), x, new StreamKey(1, 0, 1, Purpose.Curation).Named("correct"));
        var se = Math.Sqrt(t * (1 - t) / n);
        Assert.InRange(outcome.Changed / (double)n, t - 4 * se, t + 4 * se);
        // The mean of the first coordinate is (1 − t)·3 + t·0, up to sampling error of both parts.
        var kept = (RowBatch)outcome.Kept;
        var mean = Enumerable.Range(0, n).Average(i => kept.Row(i)[0]);
        var meanSe = Math.Sqrt(((1 - t) * 0.25 + t * 1 + t * (1 - t) * 9) / n);
        Assert.InRange(mean, (1 - t) * 3 - 4 * meanSe, (1 - t) * 3 + 4 * meanSe);
    }

    [Fact]
    public void Gamma_zero_is_bit_identical_to_the_uncorrected_loop()
    {
        var spec = TestSpecs.Load("""
            seed: 4
            generations: 30
            replicates: 4
            data: { source: gaussian, dim: 2, train: 50, test: 200 }
            model: gaussian
            samples_per_generation: 25
            policy: { kind: mix, ratio: 0.5 }
            arms:
              - { name: plain }
              - { name: zero, curation: [{ step: correct, gamma: 0 }] }
              - { name: some, curation: [{ step: correct, gamma: 1 }] }
            metrics: [w2]
            """);
        var results = TestSpecs.Run(spec);
        foreach (var r in Enumerable.Range(0, 4))
        {
            var plain = results.Single(c => c.Arm == 0 && c.Replicate == r).Values;
            Assert.Equal(plain, results.Single(c => c.Arm == 1 && c.Replicate == r).Values);
            Assert.NotEqual(plain, results.Single(c => c.Arm == 2 && c.Replicate == r).Values);
        }
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void W2_to_the_truth_falls_with_correction_strength()
    {
        // The Gillman toy shortened: arms share every stream, so replicate-wise differences between neighbouring
        // strengths are paired; each mean difference must be below zero by more than 3 standard errors.
        var spec = TestSpecs.Load("""
            seed: 5
            generations: 100
            replicates: 60
            data: { source: gaussian, dim: 2, train: 50, test: 200 }
            model: gaussian
            samples_per_generation: 25
            policy: { kind: mix, ratio: 0.5 }
            arms:
              - { name: g0, curation: [{ step: correct, gamma: 0 }] }
              - { name: g0.1, curation: [{ step: correct, gamma: 0.1 }] }
              - { name: g1, curation: [{ step: correct, gamma: 1 }] }
              - { name: g5, curation: [{ step: correct, gamma: 5 }] }
            metrics: [w2]
            """);
        var results = TestSpecs.Run(spec);
        var columns = new[] { "g0", "g0.1", "g1", "g5" }.Select(a => TestSpecs.Column(spec, results, a, "w2", 100)).ToArray();
        for (var k = 1; k < columns.Length; k++)
        {
            var diff = columns[k].Zip(columns[k - 1], (a, b) => a - b).ToArray();
            var (mean, se) = TestSpecs.MeanAndError(diff);
            Assert.True(mean < -3 * se, $"W2({spec.Arms[k].Name}) − W2({spec.Arms[k - 1].Name}) = {mean:G4} ± {se:G3}");
        }
    }

    [Theory]
    [InlineData("{ step: correct, strength: 1.5 }", "curation[0].strength", "at most 1")]
    [InlineData("{ step: correct, strength: -0.1 }", "curation[0].strength", "at least 0")]
    [InlineData("{ step: correct, gamma: -1 }", "curation[0].gamma", "at least 0")]
    [InlineData("{ step: correct, gamma: 1, strength: 0.5 }", "curation[0].gamma", "not both")]
    [InlineData("{ step: correct }", "curation[0].strength", "")]
    [InlineData("{ step: correct, strength: 0.5, method: hungarian }", "curation[0].method", "match, mixture")]
    public void Bad_correct_options_are_located_errors(string step, string key, string what)
    {
        CurationSpecErrors.AssertRefused(step, key, what);
    }

    [Fact]
    public void Correct_on_a_file_source_or_past_the_matching_cap_is_refused_when_the_spec_loads()
    {
        var csv = Path.Combine(TestSpecs.TempDirectory(), "rows.csv");
        File.WriteAllLines(csv, ["a,b", .. Enumerable.Range(0, 30).Select(i => $"{i},{i * i % 7}")]);
        var file = Assert.Throws<SpecException>(() => TestSpecs.Load($"""
            generations: 2
            data: {"{"} source: csv, path: "{csv}" {"}"}
            model: gaussian
            curation: [{"{"} step: correct, strength: 0.5 {"}"}]
            """));
        Assert.Contains("'curation[0]'", file.Message, StringComparison.Ordinal);
        Assert.Contains("exact truth", file.Message, StringComparison.Ordinal);
        var cap = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 2
            data: { source: gaussian, train: 10, test: 10 }
            model: gaussian
            samples_per_generation: 5000
            curation: [{ step: correct, strength: 0.5 }]
            """));
        Assert.Contains("O(n³)", cap.Message, StringComparison.Ordinal);
        Assert.Contains("method: mixture", cap.Message, StringComparison.Ordinal);
    }
}
