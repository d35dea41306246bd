using CollapseLab.Data;
using CollapseLab.Families.Gaussian;
using CollapseLab.Policies;
using CollapseLab.Specs;

namespace CollapseLab.Theory;

/// <summary>Closed-form expectations of a metric by generation for an arm, where theory exists; null elsewhere.</summary>
public static class TheoryCatalog
{
    public static double[]? Predict(string metric, ArmSpec arm, int generations)
    {
        if (RegressionTheory.Predict(metric, arm, generations) is { } regression)
        {
            return regression;
        }
        if (CategoricalTheory.Predict(metric, arm, generations) is { } categorical)
        {
            return categorical;
        }
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
