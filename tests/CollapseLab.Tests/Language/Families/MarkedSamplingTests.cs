using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Language.Families;

/// <summary>
/// The n-gram's watermarked draw (<see cref="NGramModel.SampleNextMarked"/>) against the closed form
/// q(t) ∝ p(t | h)·e^(δ·green(t)) over t ≠ refused: a chi-square over the tokens, whose mean under the null is its
/// degrees of freedom k and whose sd is √(2k), must stay within 5 sd; against the unwatermarked p it must not.
/// </summary>
public class MarkedSamplingTests
{
    private const int Draws = 200_000;

    // Enough types and noise that frequent contexts have dozens of entries (guide tables, a binary search).
    private static readonly SyntheticLanguage Language = new(200, 1.1, 2, 8, 0.2, seed: 11);

    private static readonly TokenBatch Train = Language.Sample(2000, 32, new StreamKey(2, 0, 0, Purpose.RealPool));

    private static readonly NGramModel Trigram = FitNGram(Train, 3);

    // Only the root level and the uniform, whose green lists change with the seed: drawn by bounded rejection.
    private static readonly NGramModel Unigram = FitNGram(Train, 1);

    public static TheoryData<int, int, bool, double> Cases => new()
    {
        { 1, 0, false, 2.0 },  // a seen trigram context, the usual case
        { 1, 1, true, 2.0 },   // a masked boundary
        { 1, 2, false, 5.0 },  // a history whose longest context is unseen: the draw backs off further
        { 2, 0, false, 2.0 },  // window 2: the one-token context's list changes with the seed, so it is bounded too
        { 2, 3, true, 1.0 },
        { 1, 3, false, 0.0 },  // δ = 0: the model's own p
        { 1, 4, false, 2.0 },  // a training sequence's end: the boundary is likely
        { 1, 4, true, 2.0 },   // ... and cut out of the tilted sums when masked
    };

    public static TheoryData<int, int, bool, double> RootCases => new()
    {
        { 1, 0, false, 2.0 },
        { 1, 1, true, 2.0 },   // the boundary refused
        { 2, 3, false, 5.0 },
        { 1, 3, true, 0.0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DrawsFollowTheTiltedDistribution(int window, int which, bool masked, double delta) =>
        AssertTilted(Trigram, window, which, masked, delta);

    [Theory]
    [MemberData(nameof(RootCases))]
    public void RootDrawsFollowTheTiltedDistribution(int window, int which, bool masked, double delta) =>
        AssertTilted(Unigram, window, which, masked, delta);

    private static void AssertTilted(NGramModel model, int window, int which, bool masked, double delta)
    {
        var history = History(which);
        var green = new GreenList(new Watermark(0.25, delta, 77, window), model.VocabularySize);
        var refused = masked ? model.Boundary : -1;
        var counts = new long[model.VocabularySize];
        var rng = new StreamKey(9, 0, which, Purpose.Sample).Named($"w{window} δ{delta}").Open();
        for (var i = 0; i < Draws; i++)
        {
            var t = model.SampleNextMarked(history, rng, green, refused, 64);
            Assert.NotEqual(-1, t);
            counts[t]++;
        }
        Assert.Equal(0, refused >= 0 ? counts[refused] : 0);
        var seed = green.Seed(history);
        var tilted = Distribution(model, history, t => t == refused ? 0 : green.IsGreen(seed, t) ? Math.Exp(delta) : 1);
        var (chi, k) = ChiSquare(counts, tilted);
        Assert.InRange(chi, 0, k + 5 * Math.Sqrt(2 * k));
        if (delta > 0)
        {
            var (plain, kp) = ChiSquare(counts, Distribution(model, history, t => t == refused ? 0 : 1));
            Assert.True(plain > kp + 20 * Math.Sqrt(2 * kp), $"χ² against the unwatermarked p: {plain:F0} on {kp} df");
        }
    }

    /// <summary>Histories from the real text, one the model has not seen (its last pair is missing) and a whole training sequence.</summary>
    private static int[] History(int which)
    {
        var real = Language.Sample(8, 32, new StreamKey(3, 0, 0, Purpose.RealPool));
        return which switch
        {
            0 => real.Sequence(0)[..5].ToArray(),
            1 => real.Sequence(1)[..2].ToArray(),
            2 => [.. real.Sequence(2)[..4], Unseen(real.Sequence(2)[3])],
            4 => Train.Sequence(0).ToArray(),
            _ => real.Sequence(3)[..9].ToArray(),
        };
    }

    /// <summary>A token never seen after <paramref name="previous"/>, so the bigram context (previous, it) is missing.</summary>
    private static int Unseen(int previous)
    {
        var dist = new NextTokenDistribution(Trigram.VocabularySize);
        Trigram.Next([previous], dist);
        return Enumerable.Range(1, Trigram.VocabularySize - 1).First(t => dist.Sparse(t) == 0);
    }

    private static double[] Distribution(NGramModel model, int[] history, Func<int, double> factor)
    {
        var q = new double[model.VocabularySize];
        for (var t = 0; t < q.Length; t++)
        {
            q[t] = model.Probability(history, t) * factor(t);
        }
        var z = q.Sum();
        return [.. q.Select(x => x / z)];
    }

    /// <summary>Pearson's χ² over the tokens expected at least 5 times, the rest pooled into one bin; and its degrees of freedom.</summary>
    private static (double Chi, int Df) ChiSquare(long[] counts, double[] q)
    {
        double chi = 0, restExpected = 0, restObserved = 0;
        var bins = 0;
        for (var t = 0; t < q.Length; t++)
        {
            var expected = Draws * q[t];
            if (expected >= 5)
            {
                chi += (counts[t] - expected) * (counts[t] - expected) / expected;
                bins++;
            }
            else
            {
                (restExpected, restObserved) = (restExpected + expected, restObserved + counts[t]);
            }
        }
        if (restExpected >= 5)
        {
            chi += (restObserved - restExpected) * (restObserved - restExpected) / restExpected;
            bins++;
        }
        else
        {
            Assert.True(restObserved <= 20, $"{restObserved} draws of tokens expected {restExpected:F2} times in all");
        }
        return (chi, bins - 1);
    }
}
