using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Tensors.Models;

/// <summary>Size of a <see cref="Vae"/>: D inputs in [0,1], H hidden units, Z latent dimensions.</summary>
public sealed record VaeConfig(int Inputs = 784, int Hidden = 400, int Latent = 20);

/// <summary>
/// The MLP VAE of Kingma and Welling as in pytorch/examples: fc1 D→H ReLU; fc21, fc22 H→Z (μ, log σ²);
/// z = μ + ε·σ; fc3 Z→H ReLU; fc4 H→D with a Bernoulli likelihood on logits. Loss per batch is
/// BCE(sum) + KL(q(z|x) ‖ N(0, I)).
/// </summary>
public sealed class Vae
{
    public Vae(VaeConfig config, ulong seed)
    {
        Config = config;
        var (d, h, z) = (config.Inputs, config.Hidden, config.Latent);
        Parameters = new ParameterBlock([
            ("fc1.weight", [h, d]), ("fc1.bias", [h]),
            ("fc21.weight", [z, h]), ("fc21.bias", [z]),
            ("fc22.weight", [z, h]), ("fc22.bias", [z]),
            ("fc3.weight", [h, z]), ("fc3.bias", [h]),
            ("fc4.weight", [d, h]), ("fc4.bias", [d]),
        ]);
        var i = 0UL;
        foreach (var layer in new[] { "fc1", "fc21", "fc22", "fc3", "fc4" })
        {
            Init.LinearDefault(Parameters[layer + ".weight"], Parameters[layer + ".bias"], seed + (++i * 0x9E3779B97F4A7C15UL));
        }
    }

    public VaeConfig Config { get; }

    public ParameterBlock Parameters { get; }

    /// <summary>μ and log σ², each (B,Z), for inputs x (B,D).</summary>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor x)
    {
        var p = Parameters;
        // h1 is (B,H)
        var h1 = Ops.Relu(Ops.Linear(x, p["fc1.weight"], p["fc1.bias"]));
        return (Ops.Linear(h1, p["fc21.weight"], p["fc21.bias"]), Ops.Linear(h1, p["fc22.weight"], p["fc22.bias"]));
    }

    /// <summary>Bernoulli logits (B,D) for latents z (B,Z).</summary>
    public Tensor DecodeLogits(Tensor z)
    {
        var p = Parameters;
        var h3 = Ops.Relu(Ops.Linear(z, p["fc3.weight"], p["fc3.bias"]));
        return Ops.Linear(h3, p["fc4.weight"], p["fc4.bias"]);
    }

    /// <summary>Mean images (B,D) in [0,1] for latents z (B,Z).</summary>
    public Tensor Decode(Tensor z) => Ops.Sigmoid(DecodeLogits(z));

    /// <summary>BCE(sum) + KLD for a batch x (B,D); ε for the reparameterisation is drawn from <paramref name="seed"/>.</summary>
    public Tensor Loss(Tensor x, ulong seed)
    {
        var (mu, logVar) = Encode(x);
        var eps = Tensor.Zeros(mu.ShapeArray);
        Init.Normal(eps, 1f, seed);
        // z = μ + ε·exp(½ log σ²), (B,Z)
        var z = Ops.Add(mu, Ops.Mul(eps, Ops.Exp(Ops.Scale(logVar, 0.5f))));
        var bce = Ops.BceWithLogits(DecodeLogits(z), x, Reduction.Sum);
        // KLD = −½ Σ (1 + log σ² − μ² − σ²)
        var inner = Ops.Sub(Ops.Sub(Ops.AddScalar(logVar, 1f), Ops.Mul(mu, mu)), Ops.Exp(logVar));
        return Ops.Add(bce, Ops.Scale(Ops.Sum(inner), -0.5f));
    }

    /// <summary>One Adam step on a batch; returns the loss (summed over the batch).</summary>
    public float TrainStep(IOptimizer optimizer, Tensor x, ulong seed)
    {
        Parameters.ZeroGrad();
        using var tape = new Tape(recycleBuffers: true);
        var loss = Loss(x, seed);
        tape.Backward(loss);
        optimizer.Step();
        return loss.Item();
    }

    /// <summary>Mean images for n latents drawn from N(0, I) with <paramref name="seed"/>; (n,D).</summary>
    public Tensor Sample(int n, ulong seed)
    {
        using var scope = Tape.NoGrad();
        var z = Tensor.Zeros(n, Config.Latent);
        Init.Normal(z, 1f, seed);
        return Decode(z);
    }
}
