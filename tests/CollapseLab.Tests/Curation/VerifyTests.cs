using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families.Gaussian;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Curation;

public class VerifyTests
{
    [Fact]
    public void A_quantile_verifier_rejects_that_share_of_truth_samples()
    {
        // Under N(0, 1) the 10% quantile of log p* cuts at |x| = z₀.₉₅: a sample of the truth is kept with probability 0.9.
        var real = new GaussianData(new GaussianModel([0.0], [1.0]), 50, 20_000, 3);
        const int n = 20_000;
        var x = real.DrawTruth(n, new StreamKey(4, 0, 1, Purpose.Sample));
        var kept = new VerifyStep(null, 0.1).Apply(new CurationInput(1, x, null!, real, default, 1)).Kept.Count;
        // Binomial error of the samples plus that of the quantile estimated from 20,000 test rows.
        var se = Math.Sqrt(0.09 / n + 0.09 / real.Test.Count);
        Assert.InRange(kept / (double)n, 0.9 - 4 * se, 0.9 + 4 * se);
    }

    [Fact]
    public void A_threshold_verifier_keeps_rows_at_or_above_it()
    {
        var real = new GaussianData(new GaussianModel([0.0], [1.0]), 50, 100, 3);
        var x = new RowBatch([0, 1, 2, 3], 1);
        var cut = -0.5 * Math.Log(2 * Math.PI) - 2; // log p*(2)
        var kept = (RowBatch)new VerifyStep(cut, 0).Apply(new CurationInput(1, x, null!, real, default, 1)).Kept;
        Assert.Equal([0.0, 1, 2], kept.Values);
    }

    [Fact]
    public void Verify_on_a_source_without_a_density_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => TestSpecs.Load("""
            generations: 2
            data: { source: moons, train: 50, test: 50 }
            model: gaussian
            curation: [{ step: verify, quantile: 0.1 }]
            """));
        Assert.Contains("'curation[0]'", error.Message, StringComparison.Ordinal);
        Assert.Contains("true density", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_a_file_source_verify_uses_model0_and_the_truth_is_refused()
    {
        var rng = new RandomStream(7);
        var csv = Path.Combine(TestSpecs.TempDirectory(), "rows.csv");
        File.WriteAllLines(csv, ["a,b", .. Enumerable.Range(0, 400).Select(_ => FormattableString.Invariant($"{rng.NextNormal()},{rng.NextNormal()}"))]);
        string Spec(string reference) => $"""
            seed: 1
            generations: 3
            data: {"{"} source: csv, path: "{csv}" {"}"}
            model: gaussian
            curation: [{"{"} step: verify, reference: {reference}, quantile: 0.2 {"}"}]
            metrics: [trace_ratio]
            """;
        var refused = Assert.Throws<SpecException>(() => TestSpecs.Load(Spec("truth")));
        Assert.Contains("reference: model0", refused.Message, StringComparison.Ordinal);
        var result = TestSpecs.Run(TestSpecs.Load(Spec("model0")), threads: 1)[0];
        // Generation 0 samples model₀ itself: the verifier keeps about 80% (the real test rows set the cut).
        var first = result.Curation[0];
        Assert.InRange(first.Kept / (double)first.Seen, 0.6, 0.95);
        Assert.All(result.Curation, c => Assert.True(c.Kept < c.Seen));
    }
}
