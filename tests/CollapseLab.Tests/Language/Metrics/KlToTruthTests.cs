using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Metrics;
using CollapseLab.Random;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Language.Metrics;

public class KlToTruthTests
{
    private static readonly SyntheticLanguage Language = new(40, 1.1, 2, 4, 0.05, seed: 5);

    /// <summary>A model that is the truth (as a distribution) has KL 0; its entropy rate matches a long sample's −mean ln p.</summary>
    [Fact]
    public void TruthHasZeroDivergenceAndExactEntropyRate()
    {
        var truthModel = new TruthModel(Language);
        Assert.Equal(0, KlToTruthMetric.Divergence(Language, truthModel, 1), 1e-12);
        var sample = Language.Sample(200, 500, new StreamKey(1, 0, 0, Purpose.RealTest));
        double sum = 0;
        long count = 0;
        for (var i = 0; i < sample.Count; i++)
        {
            var s = sample.Sequence(i);
            for (var j = 1; j < s.Length; j++)
            {
                var p = new double[41];
                Language.Conditional(s[j - 1] - 1, p);
                sum -= Math.Log(p[s[j]]);
                count++;
            }
        }
        Assert.Equal(Language.EntropyRate, sum / count, 0.02);
    }

    /// <summary>More real data brings a Kneser–Ney bigram closer to the truth: KL shrinks toward 0.</summary>
    [Fact]
    public void DivergenceVanishesWithData()
    {
        int[] sizes = [20, 400, 20_000];
        var kls = sizes.Select(n =>
        {
            var data = Language.Sample(n, 64, new StreamKey(2, 0, 0, Purpose.RealPool));
            return KlToTruthMetric.Divergence(Language, FitNGram(data, 2), 1);
        }).ToArray();
        Assert.True(kls[0] > kls[1] && kls[1] > kls[2], string.Join(", ", kls));
        Assert.True(kls[2] < 0.005, $"KL with 1.28M tokens: {kls[2]}");
    }

    /// <summary>Under replace the divergence grows, on average over chains, generation after generation.</summary>
    [Fact]
    public void DivergenceGrowsUnderReplace()
    {
        const int chains = 6, generations = 6;
        var mean = new double[generations + 1];
        for (var r = 0; r < chains; r++)
        {
            var train = Language.Sample(100, 32, new StreamKey(3, r, 0, Purpose.RealPool));
            for (var t = 0; t <= generations; t++)
            {
                var model = FitNGram(train, 2);
                mean[t] += KlToTruthMetric.Divergence(Language, model, 1) / chains;
                train = (TokenBatch)model.Sample(100, new StreamKey(3, r, t, Purpose.Sample), 1);
            }
        }
        for (var t = 1; t <= generations; t++)
        {
            Assert.True(mean[t] > mean[t - 1], $"generation {t}: {string.Join(", ", mean)}");
        }
    }

    /// <summary>The truth as a model, to check the divergence is exactly 0 for it.</summary>
    private sealed class TruthModel(SyntheticLanguage truth) : ILanguageModel
    {
        private readonly double[] _p = new double[truth.Types + 1];

        public int VocabularySize => truth.Types + 1;

        public int Boundary => 0;

        public string? Degeneracy => null;

        public ReadOnlySpan<double> Unigram => truth.Unigram;

        public SamplingOptions Sampling => SamplingOptions.Default;

        public CollapseLab.Data.DataBatch Sample(int count, StreamKey stream, int threads) => throw new NotSupportedException();

        public void LogProbabilities(ReadOnlySpan<int> tokens, Span<double> destination) => throw new NotSupportedException();

        public int SampleNext(ReadOnlySpan<int> history, RandomStream rng) => throw new NotSupportedException();

        public void Next(ReadOnlySpan<int> history, NextTokenDistribution into)
        {
            into.Clear();
            truth.Conditional(history[^1] - 1, _p);
            into.Lambda = 1;
            into.Base = (double[])_p.Clone();
        }
    }
}
