using CollapseLab.Specs;

namespace CollapseLab.Data.Text;

/// <summary>
/// <c>data.tokenizer: { kind: pretrained, folder: … }</c>: the tokenizer a Hugging Face checkpoint folder ships,
/// tokenizer.json (<see cref="TokenizerJson"/>) or GPT-2's vocab.json + merges.txt (byte-level BPE). The folder
/// is usually the one model.pretrained names.
/// </summary>
public static class PretrainedTokenizer
{
    public static TokenizerSpec Read(SpecReader t, string baseDirectory)
    {
        var folder = Path.GetFullPath(Path.Combine(baseDirectory, t.String("folder", null)));
        // the resolved spec saved with a run records the absolute folder, so the run reads back from anywhere
        t.Resolved["folder"] = folder;
        try
        {
            return Locate(folder);
        }
        catch (SpecException e)
        {
            throw t.Error("folder", e.Message);
        }
    }

    /// <summary>The tokenizer files of a checkpoint folder: tokenizer.json when present, else vocab.json + merges.txt.</summary>
    public static TokenizerSpec Locate(string folder)
    {
        if (File.Exists(Path.Combine(folder, TokenizerJson.FileName)))
        {
            return new TokenizerSpec("pretrained", 0, false, Path.Combine(folder, TokenizerJson.FileName), null, null);
        }
        var (vocab, merges) = (Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
        if (!File.Exists(vocab) || !File.Exists(merges))
        {
            throw new SpecException($"{folder} holds neither tokenizer.json nor vocab.json and merges.txt; a pretrained tokenizer is read from a checkpoint folder's tokenizer files.");
        }
        return new TokenizerSpec("pretrained", 0, false, vocab, merges, null);
    }

    public static Tokenizer Load(TokenizerSpec spec) => spec.MergesPath is null
        ? TokenizerJson.Load(spec.VocabPath!, Boundary(Path.GetDirectoryName(spec.VocabPath!)!))
        : Gpt2Files.Load(spec.VocabPath!, spec.MergesPath);

    /// <summary>bos_token_id, else eos_token_id, of the folder's config.json (null when neither is given).</summary>
    private static int? Boundary(string folder)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config))
        {
            return null;
        }
        try
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config));
            foreach (var key in new[] { "bos_token_id", "eos_token_id" })
            {
                if (json?[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var id))
                {
                    return id;
                }
            }
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new SpecException($"{config}: not valid JSON ({e.Message}).");
        }
    }
}
