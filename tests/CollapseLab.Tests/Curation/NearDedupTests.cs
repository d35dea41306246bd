using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Data.Text;
using CollapseLab.Families.Gaussian;
using CollapseLab.Random;

namespace CollapseLab.Tests.Curation;

public class NearDedupTests
{
    // Real data with sd 2 in both coordinates: ε is in units of that sd.
    private static readonly GaussianData Real = new(new GaussianModel([0.0, 0.0], [4.0, 0, 0, 4.0]), 50, 4000, 3);

    [Fact]
    public void Grid_hashing_keeps_exactly_what_the_quadratic_greedy_scan_keeps()
    {
        var x = (RowBatch)new GaussianModel([0.0, 0.0], [0.5, 0, 0, 0.5]).Sample(3000, new StreamKey(2, 0, 1, Purpose.Sample), 1);
        var real = (RowBatch)Real.Test;
        var sd = Enumerable.Range(0, 2).Select(c => Sd(real, c)).ToArray();
        const double eps = 0.05;
        var kept = new List<int>();
        for (var i = 0; i < x.Count; i++)
        {
            if (!kept.Any(j => Math.Pow((x.Row(i)[0] - x.Row(j)[0]) / sd[0], 2) + Math.Pow((x.Row(i)[1] - x.Row(j)[1]) / sd[1], 2) <= eps * eps))
            {
                kept.Add(i);
            }
        }
        var result = (RowBatch)new NearRowDedup(eps).Apply(new CurationInput(1, x, null!, Real, default, 1)).Kept;
        Assert.True(kept.Count < x.Count * 0.9, "the setting should have near duplicates");
        Assert.Equal(kept.SelectMany(i => x.Row(i).ToArray()), result.Values);
    }

    private static double Sd(RowBatch rows, int c)
    {
        var mean = Enumerable.Range(0, rows.Count).Average(i => rows.Row(i)[c]);
        return Math.Sqrt(Enumerable.Range(0, rows.Count).Sum(i => Math.Pow(rows.Row(i)[c] - mean, 2)) / (rows.Count - 1));
    }

    [Fact]
    public void Minhash_drops_texts_similar_to_an_earlier_one_and_keeps_distinct_ones()
    {
        // Text 1 is text 0 with one of 64 tokens changed (3-gram Jaccard 59/65 ≈ 0.91); text 2 shares nothing; text 3 repeats text 2.
        var a = Enumerable.Range(0, 64).ToArray();
        var b = a.ToArray();
        b[30] = 999;
        var c = Enumerable.Range(1000, 64).ToArray();
        var texts = new TokenBatch([.. a, .. b, .. c, .. c], [0, 64, 128, 192, 256], null);
        var step = new MinHashDedup(0.8, 3);
        var kept = (TokenBatch)step.Apply(new CurationInput(1, texts, null!, null!, new StreamKey(1, 0, 1, Purpose.Curation), 2)).Kept;
        Assert.Equal(2, kept.Count);
        Assert.Equal(a, kept.Sequence(0).ToArray());
        Assert.Equal(c, kept.Sequence(1).ToArray());
        // Above the pair's similarity, both survive.
        Assert.Equal(3, new MinHashDedup(0.95, 3).Apply(new CurationInput(1, texts, null!, null!, new StreamKey(1, 0, 1, Purpose.Curation), 1)).Kept.Count);
    }

    [Theory]
    [InlineData("{ step: dedup, jaccard: 0 }", "curation[0].jaccard", "greater than 0")]
    [InlineData("{ step: dedup, jaccard: 1.2 }", "curation[0].jaccard", "at most 1")]
    [InlineData("{ step: dedup, jaccard: 0.8 }", "curation[0]", "for numeric rows use near")]
    [InlineData("{ step: dedup, near: 0 }", "curation[0].near", "greater than 0")]
    [InlineData("{ step: dedup, near: 0.1, jaccard: 0.5 }", "curation[0].jaccard", "not both")]
    public void Bad_dedup_options_are_located_errors(string step, string key, string what)
    {
        CurationSpecErrors.AssertRefused(step, key, what);
    }
}
