using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Tensors.Models;

/// <summary>
/// Size of a <see cref="Vae"/>: D inputs in [0,1], H hidden units, Z latent dimensions; <paramref name="Channels"/>
/// C &gt; 0 makes the encoder and decoder convolutional, for square images of side √D divisible by 4.
/// </summary>
public sealed record VaeConfig(int Inputs = 784, int Hidden = 400, int Latent = 20, int Channels = 0)
{
    public bool Convolutional => Channels > 0;

    /// <summary>The image side of a convolutional VAE.</summary>
    public int Side => (int)Math.Round(Math.Sqrt(Inputs));

    /// <summary>Values of the convolutional feature map at side/4: 2C·(S/4)² (D for the MLP VAE's fc1 input).</summary>
    public int Flat => Convolutional ? 2 * Channels * (Side / 4) * (Side / 4) : Inputs;
}

/// <summary>
/// The MLP VAE of Kingma and Welling as in pytorch/examples: fc1 D→H ReLU; fc21, fc22 H→Z (μ, log σ²);
/// z = μ + ε·σ; fc3 Z→H ReLU; fc4 H→D with a Bernoulli likelihood on logits. Loss per batch is
/// BCE(sum) + KL(q(z|x) ‖ N(0, I)).
/// The convolutional option puts two stride-2 3×3 convolutions (1→C→2C, ReLU) before fc1, whose input is then the
/// 2C×S/4×S/4 map, and after fc3 a decoder fc4 H→2C·(S/4)² ReLU, nearest ×2 and a 3×3 convolution 2C→C ReLU,
/// nearest ×2 and a 3×3 convolution C→1 giving the logits.
/// </summary>
public sealed class Vae
{
    public Vae(VaeConfig config, ulong seed)
    {
        Config = config;
        var (d, h, z, c, flat) = (config.Inputs, config.Hidden, config.Latent, config.Channels, config.Flat);
        if (config.Convolutional && (config.Side * config.Side != d || config.Side % 4 != 0))
        {
            throw new ArgumentException($"a convolutional VAE needs square images with a side divisible by 4, not {d} pixels");
        }

        var layout = new List<(string, int[])>
        {
            ("fc1.weight", [h, flat]), ("fc1.bias", [h]),
            ("fc21.weight", [z, h]), ("fc21.bias", [z]),
            ("fc22.weight", [z, h]), ("fc22.bias", [z]),
            ("fc3.weight", [h, z]), ("fc3.bias", [h]),
            ("fc4.weight", [config.Convolutional ? flat : d, h]), ("fc4.bias", [config.Convolutional ? flat : d]),
        };
        string[] layers = ["fc1", "fc21", "fc22", "fc3", "fc4"];
        if (config.Convolutional)
        {
            layout.AddRange([
                ("enc1.weight", [c, 1, 3, 3]), ("enc1.bias", [c]),
                ("enc2.weight", [2 * c, c, 3, 3]), ("enc2.bias", [2 * c]),
                ("dec1.weight", [c, 2 * c, 3, 3]), ("dec1.bias", [c]),
                ("dec2.weight", [1, c, 3, 3]), ("dec2.bias", [1]),
            ]);
            layers = [.. layers, "enc1", "enc2", "dec1", "dec2"];
        }

        Parameters = new ParameterBlock(layout);
        var i = 0UL;
        foreach (var layer in layers)
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
        var h1 = Trunk(x);
        return (Ops.Linear(h1, p["fc21.weight"], p["fc21.bias"]), Ops.Linear(h1, p["fc22.weight"], p["fc22.bias"]));
    }

    /// <summary>The encoder up to its hidden layer: h1 (B,H) = ReLU(fc1(x)), after the convolutions when there are any.</summary>
    public Tensor Trunk(Tensor x)
    {
        var p = Parameters;
        if (Config.Convolutional)
        {
            var (b, s) = (x.Dim(0), Config.Side);
            var e1 = Ops.Relu(Ops.Conv2d(Ops.Reshape(x, b, 1, s, s), p["enc1.weight"], p["enc1.bias"], stride: 2, padding: 1));
            var e2 = Ops.Relu(Ops.Conv2d(e1, p["enc2.weight"], p["enc2.bias"], stride: 2, padding: 1));
            x = Ops.Reshape(e2, b, Config.Flat);
        }

        return Ops.Relu(Ops.Linear(x, p["fc1.weight"], p["fc1.bias"]));
    }

    /// <summary>The decoder after its hidden layer h3 (B,H): Bernoulli logits (B,D).</summary>
    public Tensor Head(Tensor h3)
    {
        var p = Parameters;
        if (!Config.Convolutional)
        {
            return Ops.Linear(h3, p["fc4.weight"], p["fc4.bias"]);
        }

        var (b, q) = (h3.Dim(0), Config.Side / 4);
        var map = Ops.Reshape(Ops.Relu(Ops.Linear(h3, p["fc4.weight"], p["fc4.bias"])), b, 2 * Config.Channels, q, q);
        var d1 = Ops.Relu(Ops.Conv2d(Ops.UpsampleNearest(map), p["dec1.weight"], p["dec1.bias"], padding: 1));
        var logits = Ops.Conv2d(Ops.UpsampleNearest(d1), p["dec2.weight"], p["dec2.bias"], padding: 1);
        return Ops.Reshape(logits, b, Config.Inputs);
    }

    /// <summary>Bernoulli logits (B,D) for latents z (B,Z).</summary>
    public Tensor DecodeLogits(Tensor z)
    {
        var p = Parameters;
        return Head(Ops.Relu(Ops.Linear(z, p["fc3.weight"], p["fc3.bias"])));
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
