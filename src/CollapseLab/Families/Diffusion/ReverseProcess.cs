using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Families.Diffusion;

/// <summary>How samples are drawn: ancestral DDPM over all T steps, or deterministic DDIM (η = 0) over S steps.</summary>
public sealed record SamplerSettings(string Kind, int Steps, double Lambda)
{
    public static readonly string[] Kinds = ["ancestral", "ddim"];

    /// <summary>
    /// The steps of the reverse process, from the noisiest: T−1 … 0 for ancestral sampling, and for DDIM the S steps
    /// τ_i = ⌊i·T/S⌋ in reverse.
    /// </summary>
    public int[] Timesteps(int t) => Kind == "ancestral"
        ? Enumerable.Range(0, t).Reverse().ToArray()
        : Enumerable.Range(0, Steps).Select(i => (int)((long)i * t / Steps)).Reverse().ToArray();
}

/// <summary>
/// The reverse process on standardised values, in place on x (n·D). Per step t (previous step p, ᾱ_p = 1 after
/// the last): ε = ε_θ(x, t), x̂₀ = (x − √(1−ᾱ_t)·ε)/√ᾱ_t (clipped to [−1, 1] for images). Ancestral:
/// x ← √ᾱ_p·β_t/(1−ᾱ_t)·x̂₀ + √α_t·(1−ᾱ_p)/(1−ᾱ_t)·x + λ·σ_t·z with σ_t² = β_t·(1−ᾱ_p)/(1−ᾱ_t), the posterior
/// variance. DDIM: x ← √ᾱ_p·x̂₀ + √(1−ᾱ_p)·ε̂ with ε̂ recomputed from the clipped x̂₀. The sampling bias λ scales the
/// noise x starts from and every step's noise: λ &lt; 1 concentrates samples on the modes.
/// </summary>
internal sealed class ReverseProcess(Denoiser network, NoiseSchedule schedule, SamplerSettings sampler, bool clip)
{
    /// <summary>Runs <paramref name="steps"/> on x (n·D); <paramref name="observe"/>, when given, sees every step's x̂₀.</summary>
    public void Run(float[] x, int n, int[] steps, RandomStream rng, Action<float[]>? observe)
    {
        using var scope = Tape.NoGrad();
        var d = network.Dim;
        var times = new float[n];
        var x0 = new float[n * d];
        var noise = Tensor.Zeros(n, d);
        var ancestral = sampler.Kind == "ancestral";
        for (var i = 0; i < steps.Length; i++)
        {
            var t = steps[i];
            var barPrev = i + 1 < steps.Length ? schedule.AlphaBar[steps[i + 1]] : 1.0;
            var bar = schedule.AlphaBar[t];
            Array.Fill(times, t);
            var (sb, sn) = ((float)Math.Sqrt(bar), (float)Math.Sqrt(1 - bar));
            using (Tape.Inference())
            {
                // ε is read only here; its storage and the activations go back to the pool for the next step.
                var eps = network.PredictNoise(Tensor.FromArray(x, n, d), times).Data;
                for (var j = 0; j < x0.Length; j++)
                {
                    var v = (x[j] - (sn * eps[j])) / sb;
                    x0[j] = clip ? Math.Clamp(v, -1f, 1f) : v;
                }
            }

            observe?.Invoke(x0);
            if (ancestral)
            {
                var beta = 1 - (bar / barPrev);
                var c0 = (float)(Math.Sqrt(barPrev) * beta / (1 - bar));
                var ct = (float)(Math.Sqrt(1 - beta) * (1 - barPrev) / (1 - bar));
                var sigma = (float)(sampler.Lambda * Math.Sqrt(beta * (1 - barPrev) / (1 - bar)));
                var z = noise.Data;
                if (sigma > 0)
                {
                    Init.Normal(noise, 1f, rng.NextUInt64());
                }

                for (var j = 0; j < x.Length; j++)
                {
                    x[j] = (c0 * x0[j]) + (ct * x[j]) + (sigma > 0 ? sigma * z[j] : 0f);
                }
            }
            else
            {
                var (pb, pn) = ((float)Math.Sqrt(barPrev), (float)Math.Sqrt(1 - barPrev));
                for (var j = 0; j < x.Length; j++)
                {
                    var e = (x[j] - (sb * x0[j])) / sn;
                    x[j] = (pb * x0[j]) + (pn * e);
                }
            }
        }
    }

    /// <summary>
    /// Per item of x0 (n·D, standardised): noised to the start of the sampler's last k steps, denoised over them,
    /// and Σ_d Var_steps(x̂₀[d]).
    /// </summary>
    public double[] TrajectoryVariance(float[] x0, int n, int k, RandomStream rng)
    {
        var d = network.Dim;
        var all = sampler.Timesteps(schedule.Steps);
        var steps = all[^k..];
        var bar = schedule.AlphaBar[steps[0]];
        var x = new float[n * d];
        var z = Tensor.Zeros(n, d);
        Init.Normal(z, 1f, rng.NextUInt64());
        var (sb, sn) = ((float)Math.Sqrt(bar), (float)Math.Sqrt(1 - bar));
        for (var j = 0; j < x.Length; j++)
        {
            x[j] = (sb * x0[j]) + (sn * z.Data[j]);
        }

        var sum = new double[n * d];
        var sq = new double[n * d];
        Run(x, n, steps, rng, pred =>
        {
            for (var j = 0; j < pred.Length; j++)
            {
                sum[j] += pred[j];
                sq[j] += (double)pred[j] * pred[j];
            }
        });
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            var v = 0.0;
            for (var j = i * d; j < (i + 1) * d; j++)
            {
                var m = sum[j] / k;
                v += Math.Max(0, (sq[j] / k) - (m * m));
            }

            result[i] = v;
        }

        return result;
    }
}
