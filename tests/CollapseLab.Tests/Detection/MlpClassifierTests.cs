using CollapseLab.Curation;
using CollapseLab.Detection;
using CollapseLab.Random;

namespace CollapseLab.Tests.Detection;

public class MlpClassifierTests
{
    /// <summary>
    /// Real rows N(0, I₂) against synthetic rows N(0, s²·I₂), s = 0.5: alike in mean, so no linear rule separates
    /// them (logistic AUC 0.5), while the optimal score ‖x‖² has AUC P(s²·E₁ &lt; E₂) = 1/(1 + s²) = 0.8 for
    /// exponential E. Both are measured on 4,000 fresh rows per class, within 4 standard errors of the AUC
    /// (Hanley–McNeil) plus, for the MLP, 0.02 for the gap a 32-unit network leaves to the optimum.
    /// </summary>
    [Fact]
    public void SeesANarrowerSyntheticDistributionThatALinearRuleCannot()
    {
        var rng = new StreamKey(11, 0, 0, Purpose.Fit).Open();
        (double[] X, bool[] Y) Draw(int n)
        {
            var x = new double[n * 2];
            var y = new bool[n];
            for (var i = 0; i < n; i++)
            {
                y[i] = i % 2 == 1;
                var s = y[i] ? 0.5 : 1;
                x[i * 2] = s * rng.NextNormal();
                x[i * 2 + 1] = s * rng.NextNormal();
            }
            return (x, y);
        }
        var (trainX, trainY) = Draw(4000);
        var mlp = MlpClassifier.Fit(trainX, 2, trainY, 32, new StreamKey(12, 0, 0, Purpose.Fit).Open());
        var logistic = LogisticRegression.Fit(trainX, 2, trainY);
        var (testX, testY) = Draw(8000);
        var origins = testY.Select(synthetic => synthetic ? 1 : CurationStage.RealOrigin).ToArray();
        double Auc(IBinaryClassifier c) => DetectorMeasures.Auc(origins,
            Enumerable.Range(0, testY.Length).Select(i => c.Probability(testX.AsSpan(i * 2, 2))).ToArray(), testY.Length / 2, testY.Length / 2);
        static double Se(double a, int n) => Math.Sqrt((a * (1 - a) + (n - 1) * (a / (2 - a) - a * a) + (n - 1) * (2 * a * a / (1 + a) - a * a)) / ((double)n * n));
        var optimum = 1 / (1 + 0.25);
        var (mlpAuc, linearAuc) = (Auc(mlp), Auc(logistic));
        Assert.InRange(mlpAuc, optimum - 4 * Se(optimum, 4000) - 0.02, optimum + 4 * Se(optimum, 4000));
        Assert.InRange(linearAuc, 0.5 - 4 * Se(0.5, 4000), 0.5 + 4 * Se(0.5, 4000));
    }
}
