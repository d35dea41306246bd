using System.Globalization;
using CollapseLab.Data;
using CollapseLab.Families.Neural;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Training;
using Net = CollapseLab.Tensors.Models.Vae;
using NetConfig = CollapseLab.Tensors.Models.VaeConfig;

namespace CollapseLab.Families.Vae;

/// <summary>
/// A fitted VAE. Samples are z ~ N(0, I) decoded to pixel means p = sigmoid(fc4(relu(fc3 z))), then either kept
/// (<see cref="SampleMeans"/>) or drawn from the decoder's likelihood: x ~ Bernoulli(p), or x = clip(p + σ·ε, 0, 1).
/// The network is never changed after fitting.
/// </summary>
public sealed class VaeModel : IModel
{
    /// <summary>Images per random-stream chunk; fixed so the bits never depend on the thread count.</summary>
    public const int SampleChunk = 1024;

    private readonly Compute _compute;

    /// <param name="compute">The GEMM and thread budget of the fit; sampling uses its GEMM on the budget it is given.</param>
    public VaeModel(Net network, bool gaussian, double sigma, bool sampleMeans, TrainingReport report, Compute compute)
    {
        Network = network;
        Gaussian = gaussian;
        Sigma = sigma;
        SampleMeans = sampleMeans;
        Report = report;
        _compute = compute;
        using (compute.Enter())
        {
            Degeneracy = FindDegeneracy();
        }
    }

    internal Net Network { get; }

    public bool Gaussian { get; }

    public double Sigma { get; }

    public bool SampleMeans { get; }

    /// <summary>What the fit did: steps run, final training loss and best validation loss per image.</summary>
    public TrainingReport Report { get; }

    public int Dim => Network.Config.Inputs;

    public string? Degeneracy { get; }

    private string? FindDegeneracy()
    {
        foreach (var w in Network.Parameters.Data)
        {
            if (!float.IsFinite(w))
            {
                return "weights are not finite (training diverged)";
            }
        }
        // Decoder means of 256 prior draws: if no pixel varies, every sample is the same image up to pixel noise.
        var means = DecodeMeans(256, 0x5EED_0F_DE6E_4E4AUL);
        var d = Dim;
        var most = 0.0;
        for (var j = 0; j < d; j++)
        {
            double s = 0, s2 = 0;
            for (var i = 0; i < 256; i++)
            {
                var v = means[i * d + j];
                s += v;
                s2 += v * v;
            }
            most = Math.Max(most, s2 / 256 - (s / 256) * (s / 256));
        }
        return most < 1e-8 ? "every latent decodes to the same image (pixel variance across samples is zero)" : null;
    }

    /// <summary>Decoder means (n·D) for n latents drawn from N(0, I) with <paramref name="seed"/>.</summary>
    private float[] DecodeMeans(int n, ulong seed)
    {
        using var scope = Tape.NoGrad();
        var z = Tensor.Zeros(n, Network.Config.Latent);
        Init.Normal(z, 1f, seed);
        return Network.Decode(z).ToArray();
    }

    public DataBatch Sample(int count, StreamKey stream, int threads)
    {
        using var compute = _compute.WithThreads(threads).Enter();
        var d = Dim;
        var values = new double[count * d];
        for (var c = 0; c * SampleChunk < count; c++)
        {
            var rows = Math.Min(SampleChunk, count - c * SampleChunk);
            var key = stream.WithChunk(c);
            var means = DecodeMeans(rows, key.Hash);
            var target = values.AsSpan(c * SampleChunk * d, rows * d);
            if (SampleMeans)
            {
                for (var i = 0; i < target.Length; i++)
                {
                    target[i] = means[i];
                }
                continue;
            }
            // Pixel noise from a sub-stream of its own, independent of the latents' stream.
            var rng = stream.Named("pixels").WithChunk(c).Open();
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = Gaussian
                    ? Math.Clamp(means[i] + Sigma * rng.NextNormal(), 0, 1)
                    : rng.NextDouble() < means[i] ? 1 : 0;
            }
        }
        return new RowBatch(values, d);
    }

    /// <summary>Saves the weights and the decoder settings as safetensors.</summary>
    public void Save(string path)
    {
        var inv = CultureInfo.InvariantCulture;
        var config = Network.Config;
        SafeTensors.Save(path, Network.Parameters, new Dictionary<string, string>
        {
            ["family"] = "vae",
            ["inputs"] = config.Inputs.ToString(inv),
            ["hidden"] = config.Hidden.ToString(inv),
            ["latent"] = config.Latent.ToString(inv),
            ["channels"] = config.Channels.ToString(inv),
            ["decoder"] = Gaussian ? "gaussian" : "bernoulli",
            ["sigma"] = Sigma.ToString("R", inv),
            ["sample"] = SampleMeans ? "mean" : "draw",
        });
    }

    /// <summary>Reads a model written by <see cref="Save"/>; it runs on the compute entered on the calling thread.</summary>
    public static VaeModel Load(string path)
    {
        var meta = SafeTensors.Metadata(path);
        string Get(string key) => meta.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"{path}: no '{key}' in the metadata; not a CollapseLab VAE checkpoint.");
        var inv = CultureInfo.InvariantCulture;
        // Checkpoints from before the convolutional option have no channels entry: an MLP VAE.
        var channels = meta.TryGetValue("channels", out var c) ? int.Parse(c, inv) : 0;
        var config = new NetConfig(int.Parse(Get("inputs"), inv), int.Parse(Get("hidden"), inv), int.Parse(Get("latent"), inv), channels);
        var network = new Net(config, 0);
        SafeTensors.LoadInto(path, network.Parameters);
        return new VaeModel(network, Get("decoder") == "gaussian", double.Parse(Get("sigma"), inv), Get("sample") == "mean", TrainingReport.Loaded, Compute.Current);
    }
}
