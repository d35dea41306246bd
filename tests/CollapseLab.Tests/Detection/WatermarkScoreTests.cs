using CollapseLab.Detection;
using CollapseLab.Families.Language;
using CollapseLab.Random;

namespace CollapseLab.Tests.Detection;

public class WatermarkScoreTests
{
    private static readonly GreenList Green = new(new Watermark(0.25, 2, 42, 1), 1000);

    /// <summary>After <paramref name="previous"/>, the first green (or red) token at or above <paramref name="from"/>.</summary>
    private static int Pick(int previous, bool green, int from = 0)
    {
        var seed = Green.Seed([previous]);
        for (var t = from; ; t++)
        {
            if (Green.IsGreen(seed, t % 1000) == green)
            {
                return t % 1000;
            }
        }
    }

    [Fact]
    public void EveryContextHasExactlyTheGreenListSize()
    {
        Assert.Equal(250, Green.Size);
        foreach (var previous in new[] { 0, 1, 17, 999 })
        {
            var seed = Green.Seed([previous]);
            Assert.Equal(250, Enumerable.Range(0, 1000).Count(t => Green.IsGreen(seed, t)));
        }
        // ⌊γ·V⌋ on a vocabulary that γ does not divide, and a list that is not a power of two wide.
        var odd = new GreenList(new Watermark(0.3, 2, 7, 2), 13_001);
        var oddSeed = odd.Seed([5, 9]);
        Assert.Equal(3900, Enumerable.Range(0, 13_001).Count(t => odd.IsGreen(oddSeed, t)));
    }

    /// <summary>A hand-built text with a known green count gives exactly z = (G − γT)/√(Tγ(1−γ)).</summary>
    [Fact]
    public void HandBuiltTextGivesTheExactZ()
    {
        // 1 start token (context only), then 12 scored tokens of which 7 are green.
        var text = new List<int> { 3 };
        var colours = new[] { true, false, true, true, false, true, false, true, false, true, false, true };
        foreach (var green in colours)
        {
            text.Add(Pick(text[^1], green));
        }
        var score = new WatermarkScorer(Green, dedup: false).Score(text.ToArray());
        Assert.Equal(12, score.Scored);
        Assert.Equal(7, score.Green);
        Assert.Equal((7 - 0.25 * 12) / Math.Sqrt(12 * 0.25 * 0.75), score.Z, 12);
        Assert.Equal(0.5 * CollapseLab.Numerics.SpecialFunctions.Erfc(score.Z / Math.Sqrt(2)), score.P, 15);
    }

    /// <summary>Dedup scores a repeated (previous token, token) pair once: the count is that of the distinct pairs.</summary>
    [Fact]
    public void DedupCountsDistinctPairs()
    {
        var a = 10;
        var b = Pick(a, green: true);
        var c = Pick(b, green: false);
        // a b a b a b c: pairs (a,b)×3, (b,a)×2, (b,c)×1 → 6 scored, 3 distinct.
        int[] text = [a, b, a, b, a, b, c];
        var ba = Green.IsGreen(Green.Seed([b]), a) ? 1 : 0;
        var plain = new WatermarkScorer(Green, dedup: false).Score(text);
        Assert.Equal(6, plain.Scored);
        Assert.Equal(3 + 2 * ba, plain.Green);
        var dedup = new WatermarkScorer(Green, dedup: true).Score(text);
        Assert.Equal(3, dedup.Scored);
        Assert.Equal(1 + ba, dedup.Green);
        Assert.Equal((1 + ba - 0.75) / Math.Sqrt(3 * 0.25 * 0.75), dedup.Z, 12);
    }

    [Fact]
    public void PromptTokensAreContextNotScore()
    {
        int[] text = [1, 2, 3, 4, 5, 6];
        var scorer = new WatermarkScorer(Green, dedup: false);
        Assert.Equal(5, scorer.Score(text).Scored);
        Assert.Equal(2, scorer.Score(text, promptLength: 4).Scored);
        var window3 = new WatermarkScorer(new GreenList(new Watermark(0.25, 2, 42, 3), 1000), dedup: false);
        Assert.Equal(3, window3.Score(text).Scored);
        Assert.Equal(0, window3.Score(text.AsSpan(0, 3)).Scored);
    }

    [Fact]
    public void NothingScoredIsNoEvidence()
    {
        var score = new WatermarkScorer(Green, dedup: false).Score([7]);
        Assert.Equal((0, 0.0, 1.0), (score.Scored, score.Z, score.P));
    }

    /// <summary>
    /// Uniform random tokens under one key: over 4,000 texts of 100 tokens, mean z within 3 standard errors of 0
    /// and sd within 3 standard errors of 1 (the standard error of an sd from n normal draws is ≈ 1/√(2n)).
    /// </summary>
    [Fact]
    public void RandomTokensFollowTheNull()
    {
        var rng = new RandomStream(new StreamKey(3, 0, 0, Purpose.Sample));
        var scorer = new WatermarkScorer(Green, dedup: false);
        var z = new double[4000];
        var text = new int[101];
        for (var i = 0; i < z.Length; i++)
        {
            for (var j = 0; j < text.Length; j++)
            {
                text[j] = rng.NextInt(1000);
            }
            z[i] = scorer.Score(text).Z;
        }
        var (mean, se) = TestSpecs.MeanAndError(z);
        var sd = se * Math.Sqrt(z.Length);
        Assert.InRange(mean, -3 * se, 3 * se);
        Assert.InRange(sd, 1 - 3 / Math.Sqrt(2 * z.Length), 1 + 3 / Math.Sqrt(2 * z.Length));
    }
}
