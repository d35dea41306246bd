using CollapseLab.Data;
using CollapseLab.Policies;
using CollapseLab.Specs;
using CollapseLab.Theory;

namespace CollapseLab.Families.Gaussian;

/// <summary>
/// <see cref="GaussianTheory"/> as the gaussian family's registered theory: trace_ratio, variance, logdet_ratio and
/// mean_sq_error under replace and accumulate, on data whose real distribution is exactly Gaussian.
/// </summary>
public sealed class GaussianMomentTheory : ITheory
{
    public double[]? Predict(string metric, ArmSpec arm, int generations)
    {
        if (arm.Family is not GaussianFamily gaussian || arm.Policy is not (ReplacePolicy or AccumulatePolicy) ||
            arm.Data is not RowData { ReferenceIsExactGaussian: true } real)
        {
            return null;
        }
        var theory = new GaussianTheory(real.PoolSize, arm.SamplesPerGeneration, real.Dim,
            gaussian.Estimator == GaussianEstimator.Unbiased, Accumulate: arm.Policy is AccumulatePolicy);
        var trace = 0.0;
        for (var i = 0; i < real.Dim; i++)
        {
            trace += real.ReferenceCovariance[i * real.Dim + i];
        }
        Func<int, double>? f = metric switch
        {
            "trace_ratio" => theory.TraceRatio,
            "variance" => t => theory.TraceRatio(t) * real.ReferenceCovariance[0],
            "logdet_ratio" when theory.LogDetDefined => theory.LogDetRatio,
            "mean_sq_error" => t => theory.MeanSquaredErrorOverTrace(t) * trace,
            _ => null,
        };
        return f is null ? null : Enumerable.Range(0, generations + 1).Select(f).ToArray();
    }
}
