using CollapseLab.Families.Mixture;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics;

/// <summary>
/// The model's components matched to the real ones up to label switching: a minimum-cost assignment (Hungarian)
/// on the squared distances between means. Per real component j: the matched model weight (0 when the model has
/// fewer components and j is left over — a lost mode), the shift ‖μ̂ − μ_j‖ of the matched mean (or of the
/// nearest model mean when lost), and the spread ratio tr(Σ̂)/tr(Σ_j) of that model component.
/// </summary>
public sealed record ComponentMatch(double[] Weights, double[] MeanShifts, double[] SpreadRatios)
{
    public static ComponentMatch Of(GaussianComponents model, GaussianComponents real)
    {
        var cost = new double[real.Count * model.Count];
        for (var j = 0; j < real.Count; j++)
        {
            for (var m = 0; m < model.Count; m++)
            {
                cost[j * model.Count + m] = Distance.Squared(real.Mean(j), model.Mean(m));
            }
        }
        var match = Assignment.Solve(cost, real.Count, model.Count);
        var weights = new double[real.Count];
        var shifts = new double[real.Count];
        var spreads = new double[real.Count];
        for (var j = 0; j < real.Count; j++)
        {
            var m = match[j];
            if (m >= 0)
            {
                weights[j] = model.Weights[m];
            }
            else
            {
                m = 0;
                for (var c = 1; c < model.Count; c++)
                {
                    if (cost[j * model.Count + c] < cost[j * model.Count + m])
                    {
                        m = c;
                    }
                }
            }
            shifts[j] = Math.Sqrt(cost[j * model.Count + m]);
            spreads[j] = model.Spread(m) / real.Spread(j);
        }
        return new ComponentMatch(weights, shifts, spreads);
    }
}
