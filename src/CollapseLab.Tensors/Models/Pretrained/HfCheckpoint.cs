using System.Text.Json;
using System.Text.Json.Nodes;
using CollapseLab.Tensors.IO;

namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>
/// Reads and writes a Hugging Face checkpoint folder: config.json plus model.safetensors, or
/// model.safetensors.index.json whose weight_map names the shard of each tensor. Tensors of any dtype the
/// safetensors reader takes (F32, F16, BF16) become float32. Names are the *ForCausalLM ones; the bare base-model
/// names (GPT-2's "h.0…" without "transformer.", OPT's "decoder…" without "model.") are accepted too. Buffers that
/// transformers saves beside the weights (GPT-2's attn.bias masks, rotary inv_freq) and a tied model's lm_head are
/// ignored; any other tensor is refused, since it would mean an architecture this reader does not compute.
/// </summary>
public static class HfCheckpoint
{
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>The network of <paramref name="folder"/> with its weights, sequences bounded by <paramref name="context"/>.</summary>
    public static (PretrainedLm Network, HfConfig Config) Load(string folder, int? context = null)
    {
        var config = HfConfig.Read(folder, context);
        var lm = new PretrainedLm(config.Architecture);
        var tensors = ReadTensors(folder);
        var names = lm.Names;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in lm.Parameters.Slices)
        {
            var (key, source) = Find(tensors, slice.Name);
            if (key is null)
            {
                throw new InvalidDataException($"{folder}: tensor '{slice.Name}' is missing from the weights; a {config.Architecture.ModelType} model with this config.json needs it");
            }

            used.Add(key);
            var t = tensors[key].Tensor;
            var transposed = names.StoredTransposed(slice.Name);
            var want = slice.Tensor.Shape.ToArray();
            var stored = transposed ? [want[1], want[0]] : want;
            if (!t.Shape.SequenceEqual(stored))
            {
                throw new InvalidDataException($"{source}: tensor '{key}' has shape {Shapes.Format(t.Shape)}, but config.json implies {Shapes.Format(stored)}");
            }

            if (transposed)
            {
                Transpose(t.Data, slice.Tensor.Data, stored[0], stored[1]);
            }
            else
            {
                t.Data.CopyTo(slice.Tensor.Data);
            }
        }

        foreach (var (key, (_, source)) in tensors)
        {
            if (!used.Contains(key) && !Ignorable(key, config.Architecture))
            {
                throw new InvalidDataException($"{source}: tensor '{key}' is not part of a {config.Architecture.ModelType} model as config.json describes it; check model_type and the layer counts");
            }
        }

        return (lm, config);
    }

    /// <summary>
    /// Writes <paramref name="lm"/> to <paramref name="folder"/> as config.json (the source config, torch_dtype
    /// float32) and one F32 model.safetensors in the architecture's names and storage layout. Written to a
    /// temporary file first, so a failure leaves nothing half-written.
    /// </summary>
    public static void Save(PretrainedLm lm, HfConfig config, string folder)
    {
        Directory.CreateDirectory(folder);
        var json = (JsonObject)config.Json.DeepClone();
        json["torch_dtype"] = "float32";
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var slice in lm.Parameters.Slices)
        {
            var t = slice.Tensor;
            if (lm.Names.StoredTransposed(slice.Name))
            {
                var (r, c) = (t.Shape[0], t.Shape[1]);
                var copy = Tensor.Zeros(c, r);
                Transpose(t.Data, copy.Data, r, c);
                t = copy;
            }

            tensors.Add(KeyValuePair.Create(slice.Name, t));
        }

        var weights = Path.Combine(folder, WeightsFile);
        SafeTensors.Save(weights + ".tmp", tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.Move(weights + ".tmp", weights, overwrite: true);
        File.WriteAllText(Path.Combine(folder, HfConfig.FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Every tensor of the folder's weights with the file it came from.</summary>
    private static Dictionary<string, (Tensor Tensor, string Source)> ReadTensors(string folder)
    {
        var single = Path.Combine(folder, WeightsFile);
        var index = Path.Combine(folder, IndexFile);
        var result = new Dictionary<string, (Tensor, string)>(StringComparer.Ordinal);
        if (File.Exists(single))
        {
            foreach (var (k, t) in SafeTensors.Load(single))
            {
                result[k] = (t, single);
            }

            return result;
        }

        if (!File.Exists(index))
        {
            throw new InvalidDataException($"{folder}: neither {WeightsFile} nor {IndexFile} is present; save the model with safetensors (save_pretrained(..., safe_serialization=True))");
        }

        var shards = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            var map = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject
                ?? throw new InvalidDataException($"{index}: key 'weight_map' is missing; an index maps each tensor name to its shard file");
            foreach (var (_, file) in map)
            {
                shards.Add(file?.GetValue<string>() ?? throw new InvalidDataException($"{index}: key 'weight_map' holds a null file name"));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{index}: not a valid safetensors index ({e.Message})", e);
        }

        foreach (var shard in shards)
        {
            var path = Path.Combine(folder, shard);
            if (shard.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(shard) || !File.Exists(path))
            {
                throw new InvalidDataException($"{index}: key 'weight_map' names shard '{shard}', which is not a file in {folder}");
            }

            foreach (var (k, t) in SafeTensors.Load(path))
            {
                result[k] = (t, path);
            }
        }

        return result;
    }

    private static (string? Key, string Source) Find(Dictionary<string, (Tensor Tensor, string Source)> tensors, string name)
    {
        if (tensors.TryGetValue(name, out var hit))
        {
            return (name, hit.Source);
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var bare = dot < 0 ? name : name[(dot + 1)..];
        return tensors.TryGetValue(bare, out hit) ? (bare, hit.Source) : (null, "");
    }

    private static bool Ignorable(string key, DecoderArchitecture a) =>
        key.EndsWith(".attn.bias", StringComparison.Ordinal) || key.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
        || key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) || (a.TiedHead && key == "lm_head.weight");

    /// <summary>destination (C,R) = source (R,C)ᵀ.</summary>
    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                destination[(c * rows) + r] = source[(r * columns) + c];
            }
        }
    }
}
