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
}
