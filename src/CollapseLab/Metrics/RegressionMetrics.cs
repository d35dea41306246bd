using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>
/// Mean squared prediction error on the real test set's features. The targets are noise-free, x·w, where the truth
/// is known (the <c>linear</c> source), so the value estimates ‖ŵ − w‖²_Σ, the papers' test error; for other data
/// the observed y is the target.
/// </summary>
public sealed class TestMseMetric : RowMetric
{
    public override string Name => "test_mse";

    public override string Description => "mean squared error of predictions on the real test features vs noise-free targets x·w (observed y without a known truth)";

    public override IReadOnlyList<Capability> Requires => [Capabilities.LinearPredictor];

    public override double Compute(MetricContext context)
    {
        var model = (ILinearPredictor)context.Model;
        var test = (RowBatch)context.Data.Test;
        var truth = (context.Data as LinearData)?.Truth;
        var d = test.Dim - 1;
        var sum = 0.0;
        for (var i = 0; i < test.Count; i++)
        {
            var row = test.Row(i);
            var target = truth is null ? row[d] : LinearTruth.Dot(row[..d], truth.Weights);
            var e = model.Predict(row[..d]) - target;
            sum += e * e;
        }
        return sum / test.Count;
    }
}

/// <summary>‖ŵ − w‖², the squared distance of the fitted weights from the true ones (intercept excluded).</summary>
public sealed class WeightErrorMetric : Metric
{
    public override string Name => "weight_error";

    public override string Description => "‖ŵ − w‖², squared distance of the fitted weights from the true weights";

    public override IReadOnlyList<Capability> Requires => [Capabilities.LinearPredictor];

    public override string? Unsupported(IFamily family, ExperimentData data) =>
        data is LinearData ? null : "needs data.source: linear (known weights)";

    public override double Compute(MetricContext context)
    {
        var model = (ILinearPredictor)context.Model;
        return Distance.Squared(model.Weights, ((LinearData)context.Data).Truth.Weights);
    }
}
