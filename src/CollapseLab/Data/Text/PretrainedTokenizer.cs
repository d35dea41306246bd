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
        var (vocab, merges) = (Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
        if (!File.Exists(vocab) || !File.Exists(merges))
        {
            throw t.Error("folder", $"{folder} holds no vocab.json and merges.txt; a pretrained tokenizer is read from a checkpoint folder's GPT-2-format files.");
        }
        return new TokenizerSpec("pretrained", 0, false, vocab, merges, null);
    }

    public static Tokenizer Load(TokenizerSpec spec) => Gpt2Files.Load(spec.VocabPath!, spec.MergesPath!);
}
