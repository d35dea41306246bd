using CollapseLab.Data.Text;
using CollapseLab.Detection;
using CollapseLab.Families.Language;
using CollapseLab.Random;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Detection;

public class WatermarkSamplingTests
{
    private static readonly SyntheticLanguage Language = new(50, 1.1, 2, 5, 0.05, seed: 3);

    private static TokenBatch Real => Language.Sample(400, 32, new StreamKey(1, 0, 0, Purpose.RealPool));

    private static readonly Watermark Mark = new(0.25, 2, 99, 1);

    private static SamplingOptions Options(Watermark? mark, double t = 1, int? k = null, double p = 1, int beam = 1, double penalty = 1) =>
        new SamplingOptions { Temperature = t, TopK = k, TopP = p, Beam = beam, RepetitionPenalty = penalty, Watermark = mark }.Resolve(32);

    private static TokenBatch Draw(int order, SamplingOptions options, int threads = 1, int count = 300) =>
        (TokenBatch)FitNGram(Real, order, sampling: options).Sample(count, new StreamKey(5, 0, 1, Purpose.Sample), threads);

    /// <summary>
    /// FNV-1a of the tokens drawn by the code before watermarks existed (same data, seeds and options): without a
    /// watermark the generator must give the same bits.
    /// </summary>
    [Theory]
    [InlineData(1.0, null, 1.0, 1, 1.0, 13383075835700670120UL)]
    [InlineData(0.7, null, 1.0, 1, 1.0, 14859826874315222442UL)]
    [InlineData(1.0, 5, 1.0, 1, 1.0, 13213029341418851481UL)]
    [InlineData(1.0, null, 0.8, 1, 1.0, 6572674416498953750UL)]
    [InlineData(1.0, null, 1.0, 3, 1.0, 11244392026660841509UL)]
    [InlineData(1.0, null, 1.0, 1, 1.3, 1308955724732437283UL)]
    public void WithoutAWatermarkTheBitsAreUnchanged(double t, int? k, double p, int beam, double penalty, ulong expected)
    {
        var tokens = Draw(2, Options(null, t, k, p, beam, penalty), count: beam > 1 ? 40 : 300).Tokens;
        var h = 0xCBF29CE484222325UL;
        foreach (var token in tokens)
        {
            h = (h ^ (uint)token) * 0x100000001B3UL;
        }
        Assert.Equal(expected, h);
    }

    [Fact]
    public void SameBitsWhateverTheThreadCount()
    {
        foreach (var options in new[] { Options(Mark), Options(Mark, t: 0.7), Options(Mark, p: 0.8), Options(Mark, beam: 3) })
        {
            Assert.Equal(Draw(2, options, 1, 150).Tokens, Draw(2, options, 2, 150).Tokens);
        }
    }

    /// <summary>
    /// A unigram model's next token does not depend on the past, so after token c the watermarked chance of green is
    /// exactly π_c = e^(δ/T)·S_G / (e^(δ/T)·S_G + S_R), with S the sums of p^(1/T) over c's green and red lists. The
    /// green count over all scored tokens must match Σπ within 4 standard deviations √Σπ(1−π), on the rejection path
    /// (T = 1), the full-distribution path (T = 0.7) and the repetition-penalty path.
    /// </summary>
    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.7, 1.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(0.5, 1.0)]
    public void GreenShareMatchesTheBiasedDistribution(double t, double delta)
    {
        var mark = Mark with { Delta = delta };
        var model = FitNGram(Real, 1, sampling: Options(mark, t));
        var batch = (TokenBatch)model.Sample(400, new StreamKey(8, 0, 1, Purpose.Sample), 1);
        var dist = new NextTokenDistribution(model.VocabularySize);
        model.Next([], dist);
        var green = new GreenList(mark, model.VocabularySize);
        var boost = Math.Exp(delta / t);
        double expected = 0, variance = 0;
        var observed = 0;
        var chance = new Dictionary<int, double>();
        for (var i = 0; i < batch.Count; i++)
        {
            var s = batch.Sequence(i);
            for (var j = 1; j < s.Length; j++)
            {
                var seed = green.Seed(s[..j]);
                if (!chance.TryGetValue(s[j - 1], out var pi))
                {
                    double g = 0, r = 0;
                    for (var w = 1; w < model.VocabularySize; w++)
                    {
                        var q = Math.Pow(dist.Probability(w), 1 / t);
                        (g, r) = green.IsGreen(seed, w) ? (g + q * boost, r) : (g, r + q);
                    }
                    chance[s[j - 1]] = pi = g / (g + r);
                }
                expected += pi;
                variance += pi * (1 - pi);
                observed += green.IsGreen(seed, s[j]) ? 1 : 0;
            }
        }
        Assert.InRange(observed, expected - 4 * Math.Sqrt(variance), expected + 4 * Math.Sqrt(variance));
    }

    /// <summary>
    /// Watermarked draws score far above the null on their own key and near 0 on another (a wrong key is a result).
    /// This low-entropy language repeats its few (previous, next) pairs many times, so the corpus is scored with dedup:
    /// without it a pair's colour counts once per repeat and the null sd is far above 1.
    /// </summary>
    [Fact]
    public void DetectedUnderItsKeyOnly()
    {
        var batch = Draw(2, Options(Mark), count: 200);
        var right = new WatermarkScorer(new GreenList(Mark, batch.Tokenizer!.VocabularySize), dedup: true);
        var wrong = new WatermarkScorer(new GreenList(Mark with { Key = 100 }, batch.Tokenizer!.VocabularySize), dedup: true);
        var (r, w) = (new WatermarkScore(0, 0, right.Green.Fraction), new WatermarkScore(0, 0, wrong.Green.Fraction));
        for (var i = 0; i < batch.Count; i++)
        {
            r = r.Add(right.Score(batch.Sequence(i)));
            w = w.Add(wrong.Score(batch.Sequence(i)));
        }
        Assert.True(r.Z > 8, $"z under the key {r.Z}");
        Assert.InRange(w.Z, -4, 4);
    }
}
