using CollapseLab.Detection;
using CollapseLab.Random;

namespace CollapseLab.Tests.Detection;

public class LogisticRegressionTests
{
    /// <summary>
    /// Two Gaussian classes N(±1, 1) on the first of three features (the others noise): the Bayes rule has accuracy
    /// Φ(1) = 0.841; the fit's accuracy on 4,000 fresh rows is within 4 binomial standard errors of it, and a
    /// constant column does not break it.
    /// </summary>
    [Fact]
    public void ReachesTheBayesAccuracyOnGaussianClasses()
    {
        var rng = new StreamKey(7, 0, 0, Purpose.Fit).Open();
        (double[] X, bool[] Y) Draw(int n)
        {
            var x = new double[n * 4];
            var y = new bool[n];
            for (var i = 0; i < n; i++)
            {
                y[i] = i % 2 == 1;
                x[i * 4] = rng.NextNormal() + (y[i] ? 1 : -1);
                x[i * 4 + 1] = rng.NextNormal();
                x[i * 4 + 2] = rng.NextNormal();
                x[i * 4 + 3] = 5;
            }
            return (x, y);
        }
        var (trainX, trainY) = Draw(2000);
        var model = LogisticRegression.Fit(trainX, 4, trainY);
        var (testX, testY) = Draw(4000);
        var correct = Enumerable.Range(0, testY.Length).Count(i => model.Probability(testX.AsSpan(i * 4, 4)) >= 0.5 == testY[i]);
        var accuracy = (double)correct / testY.Length;
        var bayes = CollapseLab.Numerics.SpecialFunctions.NormalCdf(1);
        Assert.InRange(accuracy, bayes - 4 * Math.Sqrt(bayes * (1 - bayes) / testY.Length), bayes + 4 * Math.Sqrt(bayes * (1 - bayes) / testY.Length));
    }
}
