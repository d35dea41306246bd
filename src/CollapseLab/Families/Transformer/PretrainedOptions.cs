using System.Collections.Concurrent;
using CollapseLab.Specs;
using CollapseLab.Tensors.Models.Pretrained;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// <c>model.pretrained</c>: a Hugging Face checkpoint folder (config.json, model.safetensors or a sharded index)
/// whose weights every fit starts from, and what fine-tuning leaves frozen: the embeddings (token, position and
/// an untied head) and the first <see cref="FreezeBlocks"/> blocks. <see cref="MemoryBudget"/> bounds the estimate
/// of <see cref="PretrainedMemory"/>; a run that would need more is refused before it starts.
/// </summary>
public sealed record PretrainedOptions(string Folder, HfConfig Config, bool FreezeEmbeddings, int FreezeBlocks, long MemoryBudget)
{
    /// <summary>Checkpoint weights by folder, read once per process: every generation starts from the same bits.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<float[]>> Weights = new(StringComparer.Ordinal);

    public DecoderArchitecture Architecture => Config.Architecture;

    /// <summary>Reads model.pretrained and its config; spec keys that repeat the config must agree with it.</summary>
    public static PretrainedOptions? Read(SpecReader model)
    {
        if (!model.Has("pretrained"))
        {
            return null;
        }

        var where = model.Node("pretrained")!.Where.Source;
        var baseDirectory = File.Exists(where) ? Path.GetDirectoryName(Path.GetFullPath(where))! : Directory.GetCurrentDirectory();
        var folder = Path.GetFullPath(Path.Combine(baseDirectory, model.String("pretrained", null)));
        // the resolved spec saved with a run records the absolute folder, so the run reads back from anywhere
        model.Resolved["pretrained"] = folder;
        if (!Directory.Exists(folder))
        {
            throw model.Error("pretrained", $"'{folder}' is not a folder; give a Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer files).");
        }

        HfConfig config;
        try
        {
            config = HfConfig.Read(folder, model.OptionalInt("context", min: 1));
        }
        catch (InvalidDataException e)
        {
            throw model.Error("pretrained", e.Message);
        }

        var a = config.Architecture;
        foreach (var (key, value, configKey) in new[] { ("layers", a.Layers, "layers"), ("heads", a.Heads, "attention heads"), ("width", a.Channels, "hidden size") })
        {
            if (model.Has(key) && model.Int(key, null) != value)
            {
                throw model.Error(key, $"model.{key} is {model.Int(key, null)} but {config.Path} gives {value} {configKey}; the checkpoint's shape comes from its config, so drop model.{key} or set it to {value}.");
            }
        }

        var freezeEmbeddings = model.Bool("freeze_embeddings", false);
        var freezeBlocks = model.Int("freeze_blocks", 0, min: 0, max: a.Layers);
        var budget = model.Long("memory_budget_mb", AvailableMegabytes(), min: 1) << 20;
        return new PretrainedOptions(folder, config, freezeEmbeddings, freezeBlocks, budget);
    }

    /// <summary>A network with the checkpoint's weights (a fresh copy each call); bad weights throw <see cref="InvalidDataException"/>.</summary>
    public PretrainedLm Load()
    {
        var lm = new PretrainedLm(Architecture);
        var weights = Weights.GetOrAdd(Folder + "\n" + Architecture.Context, _ => new Lazy<float[]>(() => HfCheckpoint.Load(Folder, Architecture.Context).Network.Parameters.Data));
        weights.Value.CopyTo(lm.Parameters.Data, 0);
        return lm;
    }

    /// <summary>Which parameters fine-tuning leaves as they are.</summary>
    public bool Frozen(string name)
    {
        var n = DecoderNames.For(Architecture.ModelType);
        if (FreezeEmbeddings && (name == n.Embed || name == n.Positions || name == n.Head))
        {
            return true;
        }

        for (var l = 0; l < FreezeBlocks; l++)
        {
            if (name.StartsWith(n.Layer(l, ""), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static long AvailableMegabytes() => Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 20);
}
