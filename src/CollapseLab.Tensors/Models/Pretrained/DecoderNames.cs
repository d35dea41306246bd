namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>
/// The state_dict names of each architecture as transformers' *ForCausalLM saves them (GPT2LMHeadModel,
/// OPTForCausalLM, LlamaForCausalLM). A linear "x" has "x.weight" and, with a bias, "x.bias".
/// </summary>
public sealed record DecoderNames(
    string Embed,
    string? Positions,
    string LayerPrefix,
    string Norm1,
    string? Qkv,
    string? Q,
    string? K,
    string? V,
    string AttnOut,
    string Norm2,
    string? Gate,
    string Up,
    string Down,
    string FinalNorm,
    string Head = "lm_head.weight")
{
    public static readonly string[] ModelTypes = ["gpt2", "opt", "llama"];

    public static DecoderNames For(string modelType) => modelType switch
    {
        "gpt2" => new("transformer.wte.weight", "transformer.wpe.weight", "transformer.h.{0}.", "ln_1", "attn.c_attn", null, null, null,
            "attn.c_proj", "ln_2", null, "mlp.c_fc", "mlp.c_proj", "transformer.ln_f"),
        "opt" => new("model.decoder.embed_tokens.weight", "model.decoder.embed_positions.weight", "model.decoder.layers.{0}.",
            "self_attn_layer_norm", null, "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj",
            "final_layer_norm", null, "fc1", "fc2", "model.decoder.final_layer_norm"),
        "llama" => new("model.embed_tokens.weight", null, "model.layers.{0}.", "input_layernorm", null, "self_attn.q_proj",
            "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj",
            "mlp.down_proj", "model.norm"),
        _ => throw new ArgumentException($"model_type '{modelType}' is not supported; supported: {string.Join(", ", ModelTypes)}"),
    };

    public string Layer(int l, string part) => string.Format(System.Globalization.CultureInfo.InvariantCulture, LayerPrefix, l) + part;

    /// <summary>GPT-2 stores its linears as Conv1D, weight (C_in, C_out): the transpose of nn.Linear's (C_out, C_in).</summary>
    public bool StoredTransposed(string name) =>
        Qkv is not null && name.StartsWith("transformer.h.", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal)
        && (name.Contains(".attn.", StringComparison.Ordinal) || name.Contains(".mlp.", StringComparison.Ordinal));

    /// <summary>Every parameter with its shape in nn.Linear layout, in module order.</summary>
    public IEnumerable<(string Name, int[] Shape)> Layout(DecoderArchitecture a)
    {
        var (c, kv, f) = (a.Channels, a.KvChannels, a.FeedForward);
        yield return (Embed, [a.Vocab, c]);
        if (Positions is not null)
        {
            yield return (Positions, [a.MaxPositions + a.PositionOffset, c]);
        }

        for (var l = 0; l < a.Layers; l++)
        {
            foreach (var p in Norm(a, Layer(l, Norm1)))
            {
                yield return p;
            }

            if (Qkv is not null)
            {
                foreach (var p in Linear(Layer(l, Qkv), c + (2 * kv), c, a.AttentionBias))
                {
                    yield return p;
                }
            }
            else
            {
                foreach (var p in Linear(Layer(l, Q!), c, c, a.AttentionBias).Concat(Linear(Layer(l, K!), kv, c, a.AttentionBias))
                    .Concat(Linear(Layer(l, V!), kv, c, a.AttentionBias)))
                {
                    yield return p;
                }
            }

            foreach (var p in Linear(Layer(l, AttnOut), c, c, a.AttentionBias).Concat(Norm(a, Layer(l, Norm2))))
            {
                yield return p;
            }

            var mlp = Gate is null ? Linear(Layer(l, Up), f, c, a.MlpBias)
                : Linear(Layer(l, Gate), f, c, a.MlpBias).Concat(Linear(Layer(l, Up), f, c, a.MlpBias));
            foreach (var p in mlp.Concat(Linear(Layer(l, Down), c, f, a.MlpBias)))
            {
                yield return p;
            }
        }

        foreach (var p in Norm(a, FinalNorm))
        {
            yield return p;
        }

        if (!a.TiedHead)
        {
            yield return (Head, [a.Vocab, c]);
        }
    }

    private static IEnumerable<(string, int[])> Linear(string name, int outputs, int inputs, bool bias)
    {
        yield return (name + ".weight", [outputs, inputs]);
        if (bias)
        {
            yield return (name + ".bias", [outputs]);
        }
    }

    private static IEnumerable<(string, int[])> Norm(DecoderArchitecture a, string name)
    {
        yield return (name + ".weight", [a.Channels]);
        if (a.Norm == NormKind.LayerNorm)
        {
            yield return (name + ".bias", [a.Channels]);
        }
    }
}
