using CollapseLab.Data.Text;
using CollapseLab.Families.Categorical;
using CollapseLab.Families.Language;
using CollapseLab.Random;
using CollapseLab.Theory;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Language.Theory;

public class CategoricalTheoryTests
{
    /// <summary>
    /// 2,000 chains of a categorical MLE over a Zipf(1.1) vocabulary of 20 types, n = 40 tokens a generation, under
    /// replace: the mean Gini impurity tracks (1 − 1/n)^(t+1)·(1 − Σp²) within 4 standard errors at every generation,
    /// and a type once lost never returns.
    /// </summary>
    [Fact]
    public void GiniImpurityFollowsTheClosedForm()
    {
        var truth = new SyntheticLanguage(20, 1.1, 1, 1, 0.05, seed: 0);
        var g = 1 - truth.Unigram.ToArray().Sum(p => p * p);
        const int chains = 2000, generations = 15, n = 40;
        var expected = CategoricalTheory.Expected(g, n, n, generations);
        var family = new CategoricalFamily(0, SamplingOptions.Default);
        var sums = new double[generations + 1];
        var squares = new double[generations + 1];
        for (var r = 0; r < chains; r++)
        {
            var pool = truth.Sample(n, 1, new StreamKey(11, r, 0, Purpose.RealPool));
            var train = pool;
            var lost = new bool[21];
            for (var t = 0; t <= generations; t++)
            {
                var model = (CategoricalModel)family.Fit(train, Context(pool, t));
                var p = model.Probabilities.ToArray();
                for (var w = 1; w <= 20; w++)
                {
                    Assert.False(lost[w] && p[w] > 0, "a lost type came back");
                    lost[w] |= p[w] == 0;
                }
                var gini = 1 - p.Sum(x => x * x);
                sums[t] += gini;
                squares[t] += gini * gini;
                train = (TokenBatch)model.Sample(n, new StreamKey(11, r, t, Purpose.Sample), 1);
            }
        }
        for (var t = 0; t <= generations; t++)
        {
            var mean = sums[t] / chains;
            var se = Math.Sqrt((squares[t] / chains - mean * mean) / chains);
            Assert.InRange(mean, expected[t] - 4 * se, expected[t] + 4 * se);
        }
        Assert.True(expected[generations] < 0.7 * expected[0]);
    }
}
