using CollapseLab.Numerics;

namespace CollapseLab.Families.Kde;

/// <summary>The kernel shape of a KDE, a radial profile of the scaled distance u = ‖x − xᵢ‖/h.</summary>
public enum KdeKernel
{
    /// <summary>K(u) ∝ exp(−u²/2).</summary>
    Gaussian,

    /// <summary>K(u) ∝ 1 for u &lt; 1: uniform on the unit ball.</summary>
    Tophat,

    /// <summary>K(u) ∝ 1 − u² for u &lt; 1.</summary>
    Epanechnikov,
}

public static class KdeKernels
{
    public static readonly string[] Names = ["gaussian", "tophat", "epanechnikov"];

    public static KdeKernel Parse(string name) => name switch
    {
        "gaussian" => KdeKernel.Gaussian,
        "tophat" => KdeKernel.Tophat,
        "epanechnikov" => KdeKernel.Epanechnikov,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown kernel"),
    };

    public static string Name(this KdeKernel kernel) => Names[(int)kernel];

    /// <summary>
    /// log of the constant that makes the unit-bandwidth kernel integrate to 1 in d dimensions, as scikit-learn
    /// defines it: Gaussian −(d/2)·ln 2π; tophat −ln V_d; Epanechnikov −ln(V_d · 2/(d+2)), where
    /// V_d = π^{d/2}/Γ(d/2+1) is the volume of the unit d-ball.
    /// </summary>
    public static double LogNormalizer(this KdeKernel kernel, int d)
    {
        var logBall = 0.5 * d * Math.Log(Math.PI) - SpecialFunctions.LogGamma(0.5 * d + 1);
        return kernel switch
        {
            KdeKernel.Gaussian => -0.5 * d * Math.Log(2 * Math.PI),
            KdeKernel.Tophat => -logBall,
            _ => -(logBall + Math.Log(2.0 / (d + 2))),
        };
    }
}
