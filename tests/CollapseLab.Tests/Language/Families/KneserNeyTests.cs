using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Language.Families;

/// <summary>
/// Interpolated modified Kneser–Ney on a corpus small enough to do by hand. Ids: &lt;s&gt; = 0, &lt;unk&gt; = 1 (never
/// seen), a = 2, b = 3, c = 4, d = 5, so V = 6. Sequences (each padded "&lt;s&gt; … &lt;s&gt;"):
///   c c a | d a | c a d d | d d | c a a | b a a
/// </summary>
public class KneserNeyTests
{
    private const int A = 2, B = 3, C = 4, D = 5, S = 0, Unk = 1;

    private static readonly int[][] Toy = [[C, C, A], [D, A], [C, A, D, D], [D, D], [C, A, A], [B, A, A]];

    /// <summary>
    /// Bigram counts c(h w) (top order, raw):
    ///   &lt;s&gt;→b 1, &lt;s&gt;→c 3, &lt;s&gt;→d 2, a→&lt;s&gt; 4, a→a 2, a→d 1, b→a 1, c→a 3, c→c 1, d→&lt;s&gt; 2, d→a 1, d→d 2.
    /// Count-of-counts n₁..n₄ = 5, 4, 2, 1 → Y = 5/(5+8) = 5/13, D₁ = 1 − 2·(5/13)·(4/5) = 5/13,
    /// D₂ = 2 − 3·(5/13)·(2/4) = 37/26, D₃₊ = 3 − 4·(5/13)·(1/2) = 29/13.
    /// Unigram continuation counts N₁₊(• w): &lt;s&gt; 2 (a, d), a 4 (a, b, c, d), b 1, c 2 (&lt;s&gt;, c), d 3 (&lt;s&gt;, a, d); total 12.
    /// n₁..n₄ = 1, 2, 1, 1 → Y = 1/5, D₁ = 1/5, D₂ = 17/10, D₃₊ = 11/5.
    /// </summary>
    [Fact]
    public void DiscountsFollowChenAndGoodman()
    {
        var model = FitNGram(Batch(5, Toy), 2);
        double[][] expected = [[1.0 / 5, 17.0 / 10, 11.0 / 5], [5.0 / 13, 37.0 / 26, 29.0 / 13]];
        for (var d = 0; d < 2; d++)
        {
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(expected[d][k], model.Discounts[d][k], 1e-15);
            }
        }
    }

    /// <summary>
    /// Unigram level: weights max(N − D, 0): &lt;s&gt; 2 − 17/10 = 3/10, a 4 − 11/5 = 9/5, b 1 − 1/5 = 4/5, c 3/10, d 3 − 11/5 = 4/5;
    /// their sum is 4, so γ() = 1 − 4/12 = 2/3 and p₀(a) = (9/5)/12 + (2/3)/6 = 47/180 — also p(a | &lt;unk&gt;), an unseen context.
    /// Context c: c(c a) = 3, c(c c) = 1, total 4; weights 3 − 29/13 = 10/13 and 1 − 5/13 = 8/13, so γ(c) = 1 − (18/13)/4 = 17/26:
    ///   p(a | c) = (10/13)/4 + (17/26)·(47/180) = 1699/4680;  p(b | c) = 0 + (17/26)·((4/5)/12 + 1/9) = 68/585.
    /// Context b: c(b a) = 1, weight 8/13, γ(b) = 1 − 8/13 = 5/13:  p(a | b) = 8/13 + (5/13)·(47/180) = 335/468.
    /// Unseen &lt;unk&gt; in context a: p(&lt;unk&gt; | a) = γ(a)·(γ()/6) with weights a→&lt;s&gt; 4 − 29/13, a→a 2 − 37/26, a→d 1 − 5/13,
    /// total 7: γ(a) = 1 − (23/13 + 15/26 + 8/13)/7 = 1 − (77/26)/7 = 15/26, so p = (15/26)·(1/9) = 5/78.
    /// (The same numbers come from an independent Python implementation with exact fractions.)
    /// </summary>
    [Theory]
    [InlineData(new[] { C }, A, 1699.0 / 4680)]
    [InlineData(new[] { C }, B, 68.0 / 585)]
    [InlineData(new[] { B }, A, 335.0 / 468)]
    [InlineData(new[] { Unk }, A, 47.0 / 180)]
    [InlineData(new[] { A }, Unk, 5.0 / 78)]
    [InlineData(new[] { A }, S, 1447.0 / 4368)]
    [InlineData(new[] { S }, C, 823.0 / 3744)]
    public void BigramProbabilitiesMatchTheHandComputation(int[] history, int token, double expected)
    {
        var model = FitNGram(Batch(5, Toy), 2);
        Assert.Equal(expected, model.Probability(history, token), 1e-14);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ProbabilitiesSumToOneInEveryContext(int order)
    {
        var model = FitNGram(Batch(5, Toy), order);
        var dist = new NextTokenDistribution(6);
        foreach (var history in Histories(6, Math.Max(0, order - 1)).Append([]))
        {
            var sum = 0.0;
            for (var w = 0; w < 6; w++)
            {
                sum += model.Probability(history, w);
                model.Next(history, dist);
                Assert.Equal(model.Probability(history, w), dist.Probability(w), 1e-14);
            }
            Assert.Equal(1.0, sum, 1e-12);
        }
    }

    [Fact]
    public void AdditiveSmoothingIsLidstoneOnTheTopOrder()
    {
        var model = FitNGram(Batch(5, Toy), 2, NGramSmoothing.Additive, alpha: 0.5);
        // c(c a) = 3, c(c ·) = 4: p(a | c) = (3 + 0.5)/(4 + 0.5·6); an unseen context is uniform.
        Assert.Equal(3.5 / 7, model.Probability([C], A), 1e-15);
        Assert.Equal(0.5 / 7, model.Probability([C], B), 1e-15);
        Assert.Equal(1.0 / 6, model.Probability([Unk], B), 1e-15);
        foreach (var history in Histories(6, 1))
        {
            Assert.Equal(1.0, Enumerable.Range(0, 6).Sum(w => model.Probability(history, w)), 1e-12);
        }
    }

    /// <summary>The fast sampler draws from p(·|h) exactly: frequencies within 5 standard errors of the probabilities.</summary>
    [Fact]
    public void SampleNextDrawsFromTheModel()
    {
        var model = FitNGram(Batch(5, Toy), 3);
        var rng = new StreamKey(3, 0, 0, Purpose.Sample).Open();
        const int draws = 200_000;
        foreach (var history in new[] { new[] { C, A }, [A, A], [Unk, Unk], [] })
        {
            var counts = new int[6];
            for (var i = 0; i < draws; i++)
            {
                counts[model.SampleNext(history, rng)]++;
            }
            for (var w = 0; w < 6; w++)
            {
                var p = model.Probability(history, w);
                var se = Math.Sqrt(p * (1 - p) / draws);
                Assert.InRange((double)counts[w] / draws, p - 5 * se - 1e-12, p + 5 * se + 1e-12);
            }
        }
    }

    /// <summary>The same for contexts long enough to be searched through a guide table (the root and common words).</summary>
    [Fact]
    public void SampleNextDrawsFromLongContexts()
    {
        var model = FitNGram(RandomBatch(40, 400, 30, 4), 2);
        var rng = new StreamKey(4, 0, 0, Purpose.Sample).Open();
        const int draws = 200_000;
        foreach (var history in new[] { new[] { 1 }, [2], [0], [40] })
        {
            var counts = new int[41];
            for (var i = 0; i < draws; i++)
            {
                counts[model.SampleNext(history, rng)]++;
            }
            for (var w = 0; w < 41; w++)
            {
                var p = model.Probability(history, w);
                var se = Math.Sqrt(p * (1 - p) / draws);
                Assert.InRange((double)counts[w] / draws, p - 5 * se - 1e-12, p + 5 * se + 1e-12);
            }
        }
    }

    [Fact]
    public void LogProbabilitiesScoreEachTokenGivenItsPrefix()
    {
        var model = FitNGram(Batch(5, Toy), 2);
        var logp = new double[3];
        model.LogProbabilities([C, A, Unk], logp);
        Assert.Equal(Math.Log(model.Probability([], C)), logp[0], 1e-14);
        Assert.Equal(Math.Log(1699.0 / 4680), logp[1], 1e-14);
        Assert.Equal(Math.Log(5.0 / 78), logp[2], 1e-14);
    }
}
