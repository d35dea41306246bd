namespace CollapseLab.Families.Diffusion;

/// <summary>
/// A DDPM noise schedule over T steps: β_t, α_t = 1 − β_t and ᾱ_t = Π_{s≤t} α_s for t = 0 … T−1 (the paper's
/// t = 1 … T shifted by one). <c>linear</c> is Ho et al.'s β from 10⁻⁴ to 0.02, rescaled by 1000/T so that other T
/// cover the same noise (as in improved-diffusion); <c>cosine</c> is Nichol and Dhariwal's
/// ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2) with s = 0.008 and β clipped at 0.999.
/// </summary>
public sealed class NoiseSchedule
{
    public static readonly string[] Kinds = ["linear", "cosine"];

    private NoiseSchedule(string kind, double[] beta)
    {
        Kind = kind;
        Beta = beta;
        AlphaBar = new double[beta.Length];
        var product = 1.0;
        for (var t = 0; t < beta.Length; t++)
        {
            product *= 1 - beta[t];
            AlphaBar[t] = product;
        }
    }

    public string Kind { get; }

    public int Steps => Beta.Length;

    public double[] Beta { get; }

    public double[] AlphaBar { get; }

    /// <summary>ᾱ before step t: ᾱ_{t−1}, and 1 before the first step.</summary>
    public double AlphaBarBefore(int t) => t == 0 ? 1 : AlphaBar[t - 1];

    public static NoiseSchedule Create(string kind, int steps)
    {
        var beta = new double[steps];
        if (kind == "linear")
        {
            var scale = 1000.0 / steps;
            var (start, end) = (scale * 1e-4, Math.Min(scale * 0.02, 0.999));
            for (var t = 0; t < steps; t++)
            {
                beta[t] = steps == 1 ? end : start + ((end - start) * t / (steps - 1));
            }
        }
        else
        {
            const double s = 0.008;
            static double Bar(double u) => Math.Pow(Math.Cos((u + s) / (1 + s) * Math.PI / 2), 2);
            for (var t = 0; t < steps; t++)
            {
                beta[t] = Math.Min(1 - (Bar((t + 1.0) / steps) / Bar((double)t / steps)), 0.999);
            }
        }

        return new NoiseSchedule(kind, beta);
    }
}
