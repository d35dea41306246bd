using System.Text.Json;
using System.Text.Json.Nodes;

namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>
/// A Hugging Face config.json read into a <see cref="DecoderArchitecture"/>, with the special token ids and the raw
/// JSON (kept so an exported folder carries every key the user's config had). Keys and defaults follow
/// transformers' GPT2Config, OPTConfig and LlamaConfig; a setting this reader cannot compute exactly (OPT-350m's
/// post-norm and projections, Llama's rope_scaling, another activation) is refused by name.
/// </summary>
public sealed record HfConfig(DecoderArchitecture Architecture, int? BosTokenId, int? EosTokenId, int? PadTokenId, JsonObject Json, string Path)
{
    public const string FileName = "config.json";

    /// <summary>Reads folder/config.json; <paramref name="context"/> (null: all of max_position_embeddings, capped at 2048) bounds sequences.</summary>
    public static HfConfig Read(string folder, int? context = null)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: no config.json in the pretrained folder; a Hugging Face checkpoint folder holds config.json, model.safetensors (or model.safetensors.index.json and its shards) and the tokenizer files.");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: config.json must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: config.json is not valid JSON ({e.Message})", e);
        }

        return Parse(json, path, context);
    }

    /// <summary>Reads a config already parsed; <paramref name="path"/> names it in errors.</summary>
    public static HfConfig Parse(JsonObject json, string path, int? context = null)
    {
        var reader = new Keys(json, path);
        var type = reader.String("model_type", null);
        var a = type switch
        {
            "gpt2" => Gpt2(reader),
            "opt" => Opt(reader),
            "llama" => Llama(reader),
            _ => throw new InvalidDataException($"{path}: model_type '{type}' is not supported; supported: {string.Join(", ", DecoderNames.ModelTypes)}"),
        };
        var maxContext = Math.Min(a.MaxPositions, 2048);
        var t = context ?? maxContext;
        if (t < 1 || t > a.MaxPositions)
        {
            throw new InvalidDataException($"{path}: a context of {t} positions is more than the model's {a.MaxPositions} (max_position_embeddings / n_positions)");
        }

        return new HfConfig(a with { Context = t }, reader.OptionalInt("bos_token_id"), reader.OptionalInt("eos_token_id"), reader.OptionalInt("pad_token_id"), json, path);
    }

    private static DecoderArchitecture Gpt2(Keys k)
    {
        var c = k.Int("n_embd", 768);
        var act = k.String("activation_function", "gelu_new");
        if (act is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu_fast"))
        {
            throw k.Error("activation_function", $"'{act}' is not supported for gpt2; only the tanh GELU (gelu_new) is computed");
        }

        var positions = k.Int("n_positions", 1024);
        return new DecoderArchitecture("gpt2", k.Int("vocab_size", 50257), k.Int("n_layer", 12), k.Int("n_head", 12), k.Int("n_head", 12), c,
            k.OptionalInt("n_inner") ?? (4 * c), positions, positions, NormKind.LayerNorm, (float)k.Double("layer_norm_epsilon", 1e-5),
            MlpKind.GeluTanh, 0, null, FusedQkv: true, AttentionBias: true, MlpBias: true, TiedHead: k.Bool("tie_word_embeddings", true));
    }

    private static DecoderArchitecture Opt(Keys k)
    {
        var c = k.Int("hidden_size", 768);
        if (!k.Bool("do_layer_norm_before", true))
        {
            throw k.Error("do_layer_norm_before", "false (post-norm, as opt-350m) is not supported; only pre-norm OPT models (125m, 1.3b and larger) are");
        }

        if (k.Int("word_embed_proj_dim", c) != c)
        {
            throw k.Error("word_embed_proj_dim", $"{k.Int("word_embed_proj_dim", c)} differs from hidden_size {c}: embedding projections (opt-350m) are not supported");
        }

        if (k.Bool("_remove_final_layer_norm", false) || !k.Bool("layer_norm_elementwise_affine", true))
        {
            throw k.Error("_remove_final_layer_norm", "OPT without a final affine layer norm is not supported");
        }

        var act = k.String("activation_function", "relu");
        if (act != "relu")
        {
            throw k.Error("activation_function", $"'{act}' is not supported for opt; only relu is computed");
        }

        var heads = k.Int("num_attention_heads", 12);
        var positions = k.Int("max_position_embeddings", 2048);
        var bias = k.Bool("enable_bias", true);
        return new DecoderArchitecture("opt", k.Int("vocab_size", 50272), k.Int("num_hidden_layers", 12), heads, heads, c, k.Int("ffn_dim", 3072),
            positions, positions, NormKind.LayerNorm, 1e-5f, MlpKind.Relu, 2, null, FusedQkv: false, AttentionBias: bias, MlpBias: bias,
            TiedHead: k.Bool("tie_word_embeddings", true));
    }

    private static DecoderArchitecture Llama(Keys k)
    {
        var c = k.Int("hidden_size", 4096);
        var heads = k.Int("num_attention_heads", 32);
        if (k.Has("rope_scaling"))
        {
            throw k.Error("rope_scaling", "scaled rotary embeddings are not supported; give a model with rope_scaling null");
        }

        var act = k.String("hidden_act", "silu");
        if (act != "silu")
        {
            throw k.Error("hidden_act", $"'{act}' is not supported for llama; only silu (SwiGLU) is computed");
        }

        if (heads < 1 || c % heads != 0 || k.Int("head_dim", c / Math.Max(heads, 1)) != c / heads)
        {
            throw k.Error("head_dim", $"hidden_size {c} must be num_attention_heads {heads} × head_dim");
        }

        var kv = k.Int("num_key_value_heads", heads);
        if (kv < 1 || heads % kv != 0)
        {
            throw k.Error("num_key_value_heads", $"{kv} must divide num_attention_heads {heads}");
        }

        var positions = k.Int("max_position_embeddings", 2048);
        return new DecoderArchitecture("llama", k.Int("vocab_size", 32000), k.Int("num_hidden_layers", 32), heads, kv, c,
            k.Int("intermediate_size", 11008), positions, positions, NormKind.RmsNorm, (float)k.Double("rms_norm_eps", 1e-6), MlpKind.SwiGlu, 0,
            (float)k.Double("rope_theta", 10000), FusedQkv: false, AttentionBias: k.Bool("attention_bias", false), MlpBias: k.Bool("mlp_bias", false),
            TiedHead: k.Bool("tie_word_embeddings", false));
    }

    /// <summary>Typed access to config keys, with errors naming the file and key.</summary>
    private sealed class Keys(JsonObject json, string path)
    {
        public bool Has(string key) => json.TryGetPropertyValue(key, out var v) && v is not null;

        public InvalidDataException Error(string key, string message) => new($"{path}: key '{key}': {message}");

        public int Int(string key, int fallback) => OptionalInt(key) ?? fallback;

        public int? OptionalInt(string key)
        {
            if (!json.TryGetPropertyValue(key, out var v) || v is null)
            {
                return null;
            }

            if (v is JsonValue value && value.TryGetValue<int>(out var i))
            {
                return i;
            }

            // eos_token_id may be a list (Llama 3); the first id is the one a sequence ends with
            if (v is JsonArray { Count: > 0 } list && list[0] is JsonValue first && first.TryGetValue<int>(out var f))
            {
                return f;
            }

            throw Error(key, $"{v.ToJsonString()} is not an integer");
        }

        public double Double(string key, double fallback)
        {
            if (!json.TryGetPropertyValue(key, out var v) || v is null)
            {
                return fallback;
            }

            return v is JsonValue value && value.TryGetValue<double>(out var d) ? d : throw Error(key, $"{v.ToJsonString()} is not a number");
        }

        public bool Bool(string key, bool fallback)
        {
            if (!json.TryGetPropertyValue(key, out var v) || v is null)
            {
                return fallback;
            }

            return v is JsonValue value && value.TryGetValue<bool>(out var b) ? b : throw Error(key, $"{v.ToJsonString()} is not true or false");
        }

        public string String(string key, string? fallback)
        {
            if (json.TryGetPropertyValue(key, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s))
            {
                return s;
            }

            return fallback ?? throw Error(key, $"is missing; it names the architecture (supported: {string.Join(", ", DecoderNames.ModelTypes)})");
        }
    }
}
