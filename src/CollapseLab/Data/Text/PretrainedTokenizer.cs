using CollapseLab.Specs;

namespace CollapseLab.Data.Text;

/// <summary>
/// <c>data.tokenizer: { kind: pretrained, folder: … }</c>: the tokenizer a Hugging Face checkpoint folder ships,
/// GPT-2's vocab.json + merges.txt (byte-level BPE). The folder is usually the one model.pretrained names.
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

    /// <summary>The tokenizer files of a checkpoint folder.</summary>
    public static TokenizerSpec Locate(string folder)
    {
        var (vocab, merges) = (Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
        if (!File.Exists(vocab) || !File.Exists(merges))
        {
            throw new SpecException($"{folder} holds no vocab.json and merges.txt; a pretrained tokenizer is read from a checkpoint folder's GPT-2-format files.");
        }
        return new TokenizerSpec("pretrained", 0, false, vocab, merges, null);
    }

    public static Tokenizer Load(TokenizerSpec spec) => Gpt2Files.Load(spec.VocabPath!, spec.MergesPath!);
}
