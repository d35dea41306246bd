using CollapseLab.Data;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Squared maximum mean discrepancy with a Gaussian RBF kernel k(x, y) = exp(−‖x − y‖²/(2ℓ²)), unbiased estimator
/// MMD²ᵤ = mean_{i≠j} k(xᵢ,xⱼ) + mean_{i≠j} k(yᵢ,yⱼ) − 2·mean k(xᵢ,yⱼ). The length ℓ is the median heuristic: the
/// median pairwise distance within the real subsample, fixed per experiment so values compare across generations.
/// It is ≈ 0 when the distributions agree (and can dip slightly below 0); with one generated row the biased form
/// (k(y,y) = 1) is used for the generated term.
/// </summary>
public sealed class MmdMetric : SampleMetric
{
    public const int Size = 500;

    public override string Name => "mmd";

    public override string Description => $"unbiased MMD² with an RBF kernel, median-heuristic width (≤ {Size} rows each; 0 = same distribution)";

    private sealed record RealSide(double Gamma, double MeanKernel);

    public override double Compute(MetricContext context)
    {
        var real = SampleSets.RealRows(context, Size);
        var side = SampleSets.Real(context, "mmd:real", () =>
        {
            var distances = new List<double>(real.Count * (real.Count - 1) / 2);
            for (var i = 0; i < real.Count; i++)
            {
                for (var j = i + 1; j < real.Count; j++)
                {
                    distances.Add(Distance.Squared(real.Row(i), real.Row(j)));
                }
            }
            distances.Sort();
            var median2 = distances.Count == 0 ? 1 : distances.Count % 2 == 1
                ? distances[distances.Count / 2]
                : 0.5 * (distances[distances.Count / 2 - 1] + distances[distances.Count / 2]);
            var gamma = median2 > 0 ? 1 / (2 * median2) : 1;
            return new RealSide(gamma, MeanWithin(real, gamma));
        });
        var generated = SampleSets.GeneratedRows(context, Size);
        var cross = 0.0;
        for (var i = 0; i < real.Count; i++)
        {
            for (var j = 0; j < generated.Count; j++)
            {
                cross += Math.Exp(-side.Gamma * Distance.Squared(real.Row(i), generated.Row(j)));
            }
        }
        cross /= (double)real.Count * generated.Count;
        return side.MeanKernel + MeanWithin(generated, side.Gamma) - 2 * cross;
    }

    /// <summary>mean_{i≠j} k(xᵢ, xⱼ), or 1 (the biased k(x,x)) for a single row.</summary>
    private static double MeanWithin(RowBatch x, double gamma)
    {
        if (x.Count < 2)
        {
            return 1;
        }
        var s = 0.0;
        for (var i = 0; i < x.Count; i++)
        {
            for (var j = i + 1; j < x.Count; j++)
            {
                s += Math.Exp(-gamma * Distance.Squared(x.Row(i), x.Row(j)));
            }
        }
        return 2 * s / ((double)x.Count * (x.Count - 1));
    }
}
