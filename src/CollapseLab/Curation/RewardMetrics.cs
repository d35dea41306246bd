using CollapseLab.Data;
using CollapseLab.Metrics;

namespace CollapseLab.Curation;

/// <summary>Metrics of an arm that curates by a reward: they score fresh samples of the model, drawn on the metric's stream.</summary>
public abstract class RewardMetric : Metric
{
    /// <summary>Fresh model samples per generation: the standard error of a mean reward is about sd(r)/45.</summary>
    public const int Draws = 2000;

    public override string? UnsupportedCuration(IReadOnlyList<CurationStep> steps) =>
        steps.OfType<RewardStep>().Any() ? null : "needs a reward curation step in every arm (curation: [{ step: reward, … }])";

    protected static RewardStep StepOf(MetricContext context) => context.CurationSteps!.OfType<RewardStep>().First();
}

/// <summary>E_p[r]: the mean reward of the model's samples, under the arm's (first) reward step.</summary>
public sealed class ExpectedRewardMetric : RewardMetric
{
    public override string Name => "reward";

    public override string Description => $"expected reward E[r(x)] of the model, over {Draws:N0} fresh samples (higher: more preferred)";

    public override double Compute(MetricContext context)
    {
        var samples = context.Model.Sample(Draws, context.Stream, context.Threads);
        var r = new double[samples.Count];
        StepOf(context).Reward.Score(samples, context.Data, r);
        return r.Average();
    }
}

/// <summary>
/// The model's spread along the coordinates a distance reward ignores, relative to the real test data's:
/// √(Σ_{c unrewarded} var_model(x_c) / Σ_{c unrewarded} var_test(x_c)); 1 keeps the real diversity, 0 is a point.
/// </summary>
public sealed class OffRewardSpreadMetric : RewardMetric
{
    public override string Name => "off_reward_spread";

    public override string Description => $"sd of the model along the coordinates the reward ignores ÷ the real data's, over {Draws:N0} fresh samples";

    public override string? UnsupportedCuration(IReadOnlyList<CurationStep> steps) =>
        steps.OfType<RewardStep>().FirstOrDefault()?.Reward is DistanceReward { Dims: not null }
            ? null
            : "needs a reward step with a distance reward on some coordinates (reward: { kind: distance, target: …, dims: […] })";

    public override double Compute(MetricContext context)
    {
        var dims = ((DistanceReward)StepOf(context).Reward).Dims!;
        var model = (RowBatch)context.Model.Sample(Draws, context.Stream, context.Threads);
        var test = (RowBatch)context.Data.Test;
        var (modelVar, testVar) = (0.0, 0.0);
        for (var c = 0; c < model.Dim; c++)
        {
            if (!dims.Contains(c))
            {
                modelVar += Variance(model, c);
                testVar += Variance(test, c);
            }
        }
        return testVar > 0 ? Math.Sqrt(modelVar / testVar) : double.PositiveInfinity;
    }

    private static double Variance(RowBatch rows, int c)
    {
        var mean = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            mean += rows.Row(i)[c];
        }
        mean /= rows.Count;
        var sum = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            var d = rows.Row(i)[c] - mean;
            sum += d * d;
        }
        return sum / (rows.Count - 1);
    }
}
