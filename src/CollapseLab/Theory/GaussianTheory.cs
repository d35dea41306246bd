using CollapseLab.Numerics;

namespace CollapseLab.Theory;

/// <summary>
/// Closed forms for a Gaussian refitted and resampled under <c>replace</c>: generation 0 fits n real samples,
/// generation g ≥ 1 fits M samples of generation g−1. With k_g the divisor (n or n−1 for g = 0, M or M−1 after)
/// and m_g the sample count, Σ̂_g = L_{g−1}·W_g/k_g·L_{g−1}ᵀ with W_g ~ Wishart(I, m_g − 1) independent, which gives:
/// E[Σ̂_t] = Π_g (m_g−1)/k_g · Σ;  E[ln det Σ̂_t − ln det Σ] = Σ_g [Σ_{i&lt;d} ψ((m_g−1−i)/2) + d ln 2 − d ln k_g];
/// E‖μ̂_t − μ‖² = tr Σ · Σ_g E-scale_{g−1} / m_g.
/// </summary>
public sealed record GaussianTheory(int RealPool, int SamplesPerGeneration, int Dim, bool Unbiased)
{
    private int Count(int g) => g == 0 ? RealPool : SamplesPerGeneration;

    private double Divisor(int g) => Unbiased ? Count(g) - 1 : Count(g);

    /// <summary>E[tr Σ̂_t] / tr Σ (and E[σ̂_t²]/σ² in 1-D).</summary>
    public double TraceRatio(int t)
    {
        var r = 1.0;
        for (var g = 0; g <= t; g++)
        {
            r *= (Count(g) - 1) / Divisor(g);
        }
        return r;
    }

    /// <summary>E[ln det Σ̂_t − ln det Σ]; in 1-D, E[ln(σ̂_t²/σ²)].</summary>
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

    /// <summary>E‖μ̂_t − μ‖² / tr Σ: each generation's mean adds the sampling model's variance over its count.</summary>
    public double MeanSquaredErrorOverTrace(int t)
    {
        var s = 1.0 / Count(0);
        for (var g = 1; g <= t; g++)
        {
            s += TraceRatio(g - 1) / Count(g);
        }
        return s;
    }

    /// <summary>Smallest sample count for which the log-det expectation is finite (needs m − d ≥ 1).</summary>
    public bool LogDetDefined => Math.Min(RealPool, SamplesPerGeneration) > Dim;
}
