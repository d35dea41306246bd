using CollapseLab.Data.Sources;
using CollapseLab.Policies;
using CollapseLab.Specs;
using CollapseLab.Theory;

namespace CollapseLab.Families.Regression;

/// <summary>
/// Expected test error E‖ŵ_g − w‖² of OLS regression under synthetic relabelling, with d standard-normal features,
/// noise σ², and a real pool of T rows (Dohmatob et al. 2024; Gerstgrasser et al. 2024). One fit on T rows adds
/// σ²·E tr((XᵀX)⁻¹) = σ²·d/(T−d−1) (inverse-Wishart mean), the unit U below.
/// <para>
/// Indexing: the papers count fits, n = 1 being the model fitted on real data. CollapseLab's generation 0 is that fit,
/// so generation g is n = g + 1: <c>replace</c> E = (g+1)·U; <c>accumulate</c> E = U·Σ_{k=1}^{g+1} 1/k² &lt; (π²/6)·U.
/// (ŵ_g = ŵ_{g−1} + A·E_g under replace, A = (XᵀX)⁻¹Xᵀ; under accumulate ŵ_g averages the g+1 label sets, giving
/// w + A·Σ_k E_k/k.) Replace with fresh features and M samples a generation: U(T) + g·U(M).
/// </para>
/// <para>
/// Conditions: OLS without intercept on the <c>linear</c> source with normal features; replace needs M = T for the
/// fixed design; accumulate needs the fixed design, M = T and noise: known. Fitted noise (RSS/(n−d)) keeps the
/// replace expectation, since E[σ̂²_g] = σ² at every step.
/// </para>
/// </summary>
public sealed record RegressionTheory(int Train, int Samples, int Features, double NoiseVariance)
{
    /// <summary>U(m) = σ²·d/(m − d − 1), the expected error one OLS fit on m Gaussian rows adds.</summary>
    public double Unit(int rows) => NoiseVariance * Features / (rows - Features - 1.0);

    public double Replace(int generation, bool freshDesign) =>
        freshDesign ? Unit(Train) + generation * Unit(Samples) : (generation + 1) * Unit(Train);

    public double Accumulate(int generation)
    {
        var s = 0.0;
        for (var k = 1; k <= generation + 1; k++)
        {
            s += 1.0 / ((double)k * k);
        }
        return Unit(Train) * s;
    }

    /// <summary>The accumulate limit (π²/6)·U as generations → ∞.</summary>
    public double AccumulateBound => Math.PI * Math.PI / 6 * Unit(Train);

    /// <summary>Predictions of test_mse and weight_error for an arm, or null where the conditions above fail.</summary>
    public static double[]? Predict(string metric, ArmSpec arm, int generations)
    {
        if (metric is not ("test_mse" or "weight_error") ||
            arm.Family is not LinearRegressionFamily { Estimator: RegressionEstimator.Ols, Intercept: false } family ||
            arm.Data is not LinearData { Truth.Features: FeatureKind.Normal } data)
        {
            return null;
        }
        var d = data.Truth.Weights.Length;
        var theory = new RegressionTheory(data.PoolSize, arm.SamplesPerGeneration, d, data.Truth.NoiseVariance);
        var fresh = family.Design == RegressionDesign.Fresh;
        if (Math.Min(data.PoolSize, arm.SamplesPerGeneration) <= d + 1)
        {
            return null;
        }
        Func<int, double>? f = arm.Policy switch
        {
            ReplacePolicy when fresh || arm.SamplesPerGeneration == data.PoolSize => g => theory.Replace(g, fresh),
            AccumulatePolicy when !fresh && family.KnownNoise && arm.SamplesPerGeneration == data.PoolSize => theory.Accumulate,
            _ => null,
        };
        return f is null ? null : Enumerable.Range(0, generations + 1).Select(f).ToArray();
    }
}
