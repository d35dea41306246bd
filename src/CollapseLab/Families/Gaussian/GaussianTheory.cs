using CollapseLab.Numerics;

namespace CollapseLab.Families.Gaussian;

/// <summary>
/// Closed forms for a Gaussian refitted on its own samples. Generation 0 fits n real samples; generation g ≥ 1
/// fits M samples of generation g−1 (<c>replace</c>) or everything so far, N_g = n + g·M points
/// (<c>accumulate</c>). k_g is the estimator's divisor (N or N − 1).
/// <para>Replace: Σ̂_g = L_{g−1}·W_g/k_g·L_{g−1}ᵀ with W_g ~ Wishart(I, m_g − 1) independent, which gives
/// E[Σ̂_t] = Π_g (m_g−1)/k_g · Σ, E[ln det Σ̂_t − ln det Σ] = Σ_g [Σ_{i&lt;d} ψ((m_g−1−i)/2) + d ln 2 − d ln k_g],
/// E‖μ̂_t − μ‖² = tr Σ · (1/n + Σ_{g≥1} E[tr Σ̂_{g−1}]/(M tr Σ)).</para>
/// <para>Accumulate: with a_g the expected scatter (sum of squares about the mean, per unit of Σ), adding M
/// samples of N(μ̂_g, a_g/k_g) gives a_{g+1} = a_g + (a_g/k_g)(M − 1 + N_g/N_{g+1}) and the mean moves by
/// E‖Δμ‖² = tr Σ · M·(a_g/k_g)/N_{g+1}²; so E[Σ̂_t] = a_t/k_t · Σ stays bounded away from 0.</para>
/// </summary>
public sealed record GaussianTheory(int RealPool, int SamplesPerGeneration, int Dim, bool Unbiased, bool Accumulate = false)
{
    private int Count(int g) => Accumulate ? RealPool + g * SamplesPerGeneration : g == 0 ? RealPool : SamplesPerGeneration;

    private double Divisor(int g) => Unbiased ? Count(g) - 1 : Count(g);

    /// <summary>E[tr Σ̂_t] / tr Σ (and E[σ̂_t²]/σ² in 1-D).</summary>
    public double TraceRatio(int t)
    {
        if (Accumulate)
        {
            return Scatter(t) / Divisor(t);
        }
        var r = 1.0;
        for (var g = 0; g <= t; g++)
        {
            r *= (Count(g) - 1) / Divisor(g);
        }
        return r;
    }

    /// <summary>Accumulate: expected scatter a_t per unit of Σ.</summary>
    private double Scatter(int t)
    {
        var a = RealPool - 1.0;
        for (var g = 0; g < t; g++)
        {
            a += a / Divisor(g) * (SamplesPerGeneration - 1 + (double)Count(g) / Count(g + 1));
        }
        return a;
    }

    /// <summary>E[ln det Σ̂_t − ln det Σ]; in 1-D, E[ln(σ̂_t²/σ²)]. Replace only.</summary>
    public double LogDetRatio(int t)
    {
        var s = 0.0;
        for (var g = 0; g <= t; g++)
        {
            var m = Count(g);
            for (var i = 0; i < Dim; i++)
            {
                s += SpecialFunctions.Digamma((m - 1 - i) / 2.0);
            }
            s += Dim * (Math.Log(2) - Math.Log(Divisor(g)));
        }
        return s;
    }

    /// <summary>E‖μ̂_t − μ‖² / tr Σ.</summary>
    public double MeanSquaredErrorOverTrace(int t)
    {
        var s = 1.0 / RealPool;
        for (var g = 1; g <= t; g++)
        {
            s += Accumulate
                ? SamplesPerGeneration * TraceRatio(g - 1) / ((double)Count(g) * Count(g))
                : TraceRatio(g - 1) / Count(g);
        }
        return s;
    }

    /// <summary>The log-det expectation is finite only when every fit has more samples than dimensions.</summary>
    public bool LogDetDefined => !Accumulate && Math.Min(RealPool, SamplesPerGeneration) > Dim;
}
