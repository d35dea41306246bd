using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Tensors.Models;

/// <summary>
/// Size of a <see cref="TransformerLm"/>: V vocab, L layers, NH heads, C channels, T context; Dropout is the
/// probability p of the training-time dropout after the embeddings and after each residual branch (nanoGPT's places).
/// </summary>
public sealed record TransformerConfig(int Vocab, int Layers = 4, int Heads = 4, int Channels = 128, int Context = 64,
    GeluApproximation Gelu = GeluApproximation.Erf, float Dropout = 0f);

/// <summary>
/// A GPT-2 style decoder (nanoGPT's model.py): token and position embeddings, pre-LN blocks of causal self-attention
/// and a 4C GELU MLP, a final layer norm, and an output head tied to the token embedding. Parameter names follow
/// PyTorch's state_dict (wte.weight, h.0.attn.c_attn.weight, …) so checkpoints move between the two.
/// </summary>
public sealed class TransformerLm : ICausalLm
{
    public TransformerLm(TransformerConfig config, ulong seed)
    {
        Config = config;
        if (config.Channels % config.Heads != 0)
        {
            throw new ArgumentException($"channels {config.Channels} must be divisible by heads {config.Heads}");
        }

        Parameters = new ParameterBlock(Layout(config));
        Initialise(seed);
    }

    public TransformerConfig Config { get; }

    public ParameterBlock Parameters { get; }

    public int Vocab => Config.Vocab;

    public int Context => Config.Context;

    public IIncrementalDecoder Decoder(int batch) => new TransformerSampler(this, batch);

    /// <summary>Logits (B,T,V) for token ids idx laid out (B,T).</summary>
    public Tensor Logits(ReadOnlySpan<int> idx, int b, int t) =>
        // the head reuses wte (V,C): (B,T,C) -> (B,T,V)
        Ops.Linear(Hidden(idx, b, t, null), Parameters["wte.weight"], null);

    /// <summary>
    /// The final hidden states (B,T,C) after ln_f; <paramref name="qkvSink"/>, when given, sees each layer's
    /// (B,T,3C) projections, which the sampler uses to fill its key/value cache.
    /// </summary>
    internal Tensor Hidden(ReadOnlySpan<int> idx, int b, int t, Action<int, Tensor>? qkvSink, ulong? dropoutSeed = null)
    {
        var p = Parameters;
        if (t > Config.Context)
        {
            throw new ArgumentException($"sequence length {t} exceeds the context of {Config.Context}");
        }

        var positions = Enumerable.Range(0, t).ToArray();
        // x is (B,T,C): token embedding plus position embedding broadcast over the batch
        var x = Ops.Add(Ops.Embedding(p["wte.weight"], idx, b, t), Ops.Embedding(p["wpe.weight"], positions, t));
        var drops = 0UL;
        Tensor Drop(Tensor y) => dropoutSeed is { } s && Config.Dropout > 0f
            ? Ops.Dropout(y, Config.Dropout, s + (++drops * 0x9E3779B97F4A7C15UL))
            : y;
        x = Drop(x);
        for (var l = 0; l < Config.Layers; l++)
        {
            var h = $"h.{l}.";
            // qkv is (B,T,3C); attention output a is (B,T,C)
            var ln1 = Ops.LayerNorm(x, p[h + "ln_1.weight"], p[h + "ln_1.bias"]);
            var qkv = Ops.Linear(ln1, p[h + "attn.c_attn.weight"], p[h + "attn.c_attn.bias"]);
            qkvSink?.Invoke(l, qkv);
            var a = Ops.CausalSelfAttention(qkv, Config.Heads);
            x = Ops.Add(x, Drop(Ops.Linear(a, p[h + "attn.c_proj.weight"], p[h + "attn.c_proj.bias"])));
            // MLP: (B,T,C) -> (B,T,4C) -> (B,T,C)
            var ln2 = Ops.LayerNorm(x, p[h + "ln_2.weight"], p[h + "ln_2.bias"]);
            var fc = Ops.Gelu(Ops.Linear(ln2, p[h + "mlp.c_fc.weight"], p[h + "mlp.c_fc.bias"]), Config.Gelu);
            x = Ops.Add(x, Drop(Ops.Linear(fc, p[h + "mlp.c_proj.weight"], p[h + "mlp.c_proj.bias"])));
        }

        return Ops.LayerNorm(x, p["ln_f.weight"], p["ln_f.bias"]);
    }

    /// <summary>Mean cross-entropy of predicting targets (B,T) from idx (B,T).</summary>
    public Tensor Loss(ReadOnlySpan<int> idx, ReadOnlySpan<int> targets, int b, int t) =>
        Ops.CrossEntropy(Logits(idx, b, t), targets);

    /// <summary>
    /// The training loss: as <see cref="Loss(ReadOnlySpan{int}, ReadOnlySpan{int}, int, int)"/> with dropout
    /// (probability <see cref="TransformerConfig.Dropout"/>) whose masks come from <paramref name="dropoutSeed"/>.
    /// </summary>
    public Tensor Loss(ReadOnlySpan<int> idx, ReadOnlySpan<int> targets, int b, int t, ulong dropoutSeed) =>
        Ops.CrossEntropy(Ops.Linear(Hidden(idx, b, t, null, dropoutSeed), Parameters["wte.weight"], null), targets);

    /// <summary>
    /// One training step: zero the gradients, forward, backward, clip, optimiser step. Returns the loss.
    /// </summary>
    public float TrainStep(IOptimizer optimizer, ReadOnlySpan<int> idx, ReadOnlySpan<int> targets, int b, int t, float clip = 1f)
    {
        Parameters.ZeroGrad();
        using var tape = new Tape(recycleBuffers: true);
        var loss = Loss(idx, targets, b, t);
        tape.Backward(loss);
        if (clip > 0f)
        {
            TrainingUtilities.ClipGradNorm(Parameters, clip);
        }

        optimizer.Step();
        return loss.Item();
    }

    /// <summary>nanoGPT's initialisation: N(0, 0.02²) weights, residual projections N(0, (0.02/√(2L))²), zero biases.</summary>
    private void Initialise(ulong seed)
    {
        var projStd = 0.02f / MathF.Sqrt(2 * Config.Layers);
        var i = 0UL;
        foreach (var s in Parameters.Slices)
        {
            i++;
            if (s.Name.EndsWith("ln_1.weight", StringComparison.Ordinal) || s.Name.EndsWith("ln_2.weight", StringComparison.Ordinal)
                || s.Name == "ln_f.weight")
            {
                Init.Constant(s.Tensor, 1f);
            }
            else if (s.Tensor.Rank == 1)
            {
                Init.Constant(s.Tensor, 0f);
            }
            else
            {
                var std = s.Name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? projStd : 0.02f;
                Init.Normal(s.Tensor, std, seed + (i * 0x9E3779B97F4A7C15UL));
            }
        }
    }

    private static IEnumerable<(string, int[])> Layout(TransformerConfig cfg)
    {
        var c = cfg.Channels;
        yield return ("wte.weight", [cfg.Vocab, c]);
        yield return ("wpe.weight", [cfg.Context, c]);
        for (var l = 0; l < cfg.Layers; l++)
        {
            var h = $"h.{l}.";
            yield return (h + "ln_1.weight", [c]);
            yield return (h + "ln_1.bias", [c]);
            yield return (h + "attn.c_attn.weight", [3 * c, c]);
            yield return (h + "attn.c_attn.bias", [3 * c]);
            yield return (h + "attn.c_proj.weight", [c, c]);
            yield return (h + "attn.c_proj.bias", [c]);
            yield return (h + "ln_2.weight", [c]);
            yield return (h + "ln_2.bias", [c]);
            yield return (h + "mlp.c_fc.weight", [4 * c, c]);
            yield return (h + "mlp.c_fc.bias", [4 * c]);
            yield return (h + "mlp.c_proj.weight", [c, 4 * c]);
            yield return (h + "mlp.c_proj.bias", [c]);
        }

        yield return ("ln_f.weight", [c]);
        yield return ("ln_f.bias", [c]);
    }
}
