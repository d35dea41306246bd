using CollapseLab.Numerics;

namespace CollapseLab.Detection;

/// <summary>
/// The one-sided z-test of Kirchenbauer et al. 2023 over <see cref="Scored"/> tokens, <see cref="Green"/> of them
/// green: z = (|s|_G − γT)/√(T·γ(1−γ)), p = P(N(0, 1) ≥ z). With nothing scored, z = 0 and p = 1: no evidence.
/// </summary>
public readonly record struct WatermarkScore(int Scored, int Green, double Gamma)
{
    public double Z => Scored == 0 ? 0 : (Green - Gamma * Scored) / Math.Sqrt(Scored * Gamma * (1 - Gamma));

    public double P => Scored == 0 ? 1 : 0.5 * SpecialFunctions.Erfc(Z / Math.Sqrt(2));

    public WatermarkScore Add(WatermarkScore other) => new(Scored + other.Scored, Green + other.Green, Gamma);
}
