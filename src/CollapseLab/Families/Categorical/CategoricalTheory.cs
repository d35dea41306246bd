using CollapseLab.Data.Text;
using CollapseLab.Policies;
using CollapseLab.Specs;
using CollapseLab.Theory;

namespace CollapseLab.Families.Categorical;

/// <summary>
/// A categorical distribution re-estimated by maximum likelihood under <c>replace</c>. For m independent draws from
/// p, the empirical p̂ has E[1 − Σp̂²] = (1 − 1/m)·(1 − Σp²), and the next generation draws from p̂; so with n₀ real
/// tokens at generation 0 and m tokens after, E[G_t] = (1 − 1/n₀)·(1 − 1/m)^t·(1 − Σp²) where G = 1 − Σp² (Gini
/// impurity). A type that gets no draw has p̂ = 0 and never returns.
/// </summary>
public sealed class CategoricalTheory : ITheory
{
    public double[]? Predict(string metric, ArmSpec arm, int generations)
    {
        if (metric != "gini_impurity" || arm.Family is not CategoricalFamily { Alpha: 0 } family || arm.Policy is not ReplacePolicy ||
            arm.Data is not TextData { Truth: { Order: 1 } truth } data || !family.Sampling.IsPlain || !family.Sampling.FollowsData)
        {
            return null;
        }
        var g = 1.0;
        foreach (var p in truth.Unigram)
        {
            g -= p * p;
        }
        return Expected(g, (long)data.PoolSize * data.BlockLength, (long)arm.SamplesPerGeneration * data.BlockLength, generations);
    }

    /// <summary>E[G_t], t = 0 … generations, from the truth's impurity <paramref name="g"/>.</summary>
    public static double[] Expected(double g, long realTokens, long tokensPerGeneration, int generations)
    {
        var result = new double[generations + 1];
        var value = (1 - 1.0 / realTokens) * g;
        for (var t = 0; t <= generations; t++)
        {
            result[t] = value;
            value *= 1 - 1.0 / tokensPerGeneration;
        }
        return result;
    }
}
