using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Random;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Language.Families;

public class SamplingTests
{
    private static readonly SyntheticLanguage Language = new(50, 1.1, 2, 5, 0.05, seed: 3);

    private static TokenBatch Real => Language.Sample(400, 32, new StreamKey(1, 0, 0, Purpose.RealPool));

    private static SamplingOptions Options(double t = 1, int? k = null, double p = 1, int beam = 1, double penalty = 1, int? min = null, int? max = null, bool prompt = false) =>
        new SamplingOptions
        {
            Temperature = t, TopK = k, TopP = p, Beam = beam, RepetitionPenalty = penalty, MinLength = min, MaxLength = max, Prompted = prompt,
        }.Resolve(32);

    private static TokenBatch Draw(SamplingOptions options, int threads = 1, int count = 300) =>
        (TokenBatch)FitNGram(Real, 2, sampling: options).Sample(count, new StreamKey(5, 0, 1, Purpose.Sample), threads);

    private static double Entropy(TokenBatch batch)
    {
        var counts = new double[batch.Tokenizer!.VocabularySize];
        foreach (var t in batch.Tokens)
        {
            counts[t]++;
        }
        return -counts.Where(c => c > 0).Sum(c => c / batch.TokenCount * Math.Log(c / batch.TokenCount));
    }

    [Fact]
    public void SameBitsWhateverTheThreadCount()
    {
        foreach (var options in new[] { Options(), Options(t: 0.7), Options(p: 0.8), Options(beam: 3) })
        {
            Assert.Equal(Draw(options, 1).Tokens, Draw(options, 2).Tokens);
        }
    }

    [Fact]
    public void LengthsFollowMinAndMax()
    {
        var fixedLength = Draw(Options());
        Assert.All(Enumerable.Range(0, fixedLength.Count), i => Assert.Equal(32, fixedLength.Length(i)));
        Assert.DoesNotContain(0, fixedLength.Tokens);
        // With min_length 0 a sequence may end at the boundary; every block of the real data ends there once in 33 positions.
        var free = Draw(Options(min: 0, max: 40));
        var lengths = Enumerable.Range(0, free.Count).Select(free.Length).ToArray();
        Assert.All(lengths, l => Assert.InRange(l, 0, 40));
        Assert.True(lengths.Average() < 38, $"mean length {lengths.Average()}");
        var atLeast = Draw(Options(min: 10, max: 40));
        Assert.All(Enumerable.Range(0, atLeast.Count), i => Assert.InRange(atLeast.Length(i), 10, 40));
    }

    /// <summary>Temperature below 1 and top-p below 1 concentrate the samples: lower unigram entropy, fewer types.</summary>
    [Fact]
    public void TruncationCutsTheTail()
    {
        var plain = Entropy(Draw(Options(), count: 1000));
        var cold = Entropy(Draw(Options(t: 0.5), count: 1000));
        var nucleus = Entropy(Draw(Options(p: 0.5), count: 1000));
        var hot = Entropy(Draw(Options(t: 2), count: 1000));
        Assert.True(cold < plain - 0.1, $"T=0.5 {cold} vs T=1 {plain}");
        Assert.True(nucleus < plain - 0.1, $"top-p 0.5 {nucleus} vs {plain}");
        Assert.True(hot > plain + 0.1, $"T=2 {hot} vs {plain}");
    }

    [Fact]
    public void TopOneAndBeamOneAreGreedy()
    {
        var model = FitNGram(Real, 2, sampling: Options(k: 1));
        var batch = (TokenBatch)model.Sample(5, new StreamKey(9, 0, 0, Purpose.Sample), 1);
        var seq = batch.Sequence(0).ToArray();
        var dist = new NextTokenDistribution(model.VocabularySize);
        for (var i = 0; i < seq.Length; i++)
        {
            model.Next(seq.AsSpan(0, i), dist);
            var best = Enumerable.Range(1, model.VocabularySize - 1).OrderByDescending(dist.Probability).ThenBy(w => w).First();
            Assert.Equal(best, seq[i]);
        }
        Assert.Equal(batch.Sequence(0).ToArray(), batch.Sequence(4).ToArray());
    }

    /// <summary>Beam search scores no worse than greedy decoding (it keeps the greedy path among its candidates).</summary>
    [Fact]
    public void BeamFindsSequencesAtLeastAsLikelyAsGreedy()
    {
        double Score(SamplingOptions o)
        {
            var model = FitNGram(Real, 2, sampling: o);
            var seq = ((TokenBatch)model.Sample(1, new StreamKey(9, 0, 0, Purpose.Sample), 1)).Sequence(0);
            var logp = new double[seq.Length];
            model.LogProbabilities(seq, logp);
            return logp.Sum();
        }
        Assert.True(Score(Options(beam: 4)) >= Score(Options(k: 1)) - 1e-9);
    }

    [Fact]
    public void RepetitionPenaltyRaisesVariety()
    {
        static double Distinct(TokenBatch b) => Enumerable.Range(0, b.Count).Average(i => (double)b.Sequence(i).ToArray().Distinct().Count() / b.Length(i));
        Assert.True(Distinct(Draw(Options(k: 3, penalty: 3))) > Distinct(Draw(Options(k: 3))) + 0.05);
    }

    [Fact]
    public void PromptedSamplesContinueTheirRealBlock()
    {
        var real = Real;
        var model = FitNGram(real, 2, sampling: new SamplingOptions { TopK = 1, Prompted = true }.Resolve(32));
        var batch = (TokenBatch)model.Sample(3, new StreamKey(9, 0, 0, Purpose.Sample), 1);
        var dist = new NextTokenDistribution(model.VocabularySize);
        for (var i = 0; i < 3; i++)
        {
            model.Next(real.Sequence(i), dist);
            var best = Enumerable.Range(1, model.VocabularySize - 1).OrderByDescending(dist.Probability).ThenBy(w => w).First();
            Assert.Equal(best, batch.Sequence(i)[0]);
        }
    }
}
