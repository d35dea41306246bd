using CollapseLab.Specs;

namespace CollapseLab.Data.Text;

/// <summary>
/// <c>data.tokenizer</c>: <c>word</c>, <c>char</c>, <c>bpe</c>, or a mapping with <c>kind</c> and options —
/// <c>vocab_size</c> (BPE: at least 257; word/char: a cap, rarer types become &lt;unk&gt;), <c>lowercase</c> (word),
/// <c>vocab</c> + <c>merges</c> (BPE: GPT-2-format files to load instead of training), <c>save</c> (BPE: a folder
/// to write the trained vocab.json and merges.txt to); <c>pretrained</c> with <c>folder</c> reads a Hugging Face
/// checkpoint folder's tokenizer (<see cref="PretrainedTokenizer"/>).
/// </summary>
public sealed record TokenizerSpec(string Kind, int VocabularySize, bool Lowercase, string? VocabPath, string? MergesPath, string? SaveFolder)
{
    public static readonly string[] Kinds = ["word", "char", "bpe", "pretrained"];

    public static TokenizerSpec Read(SpecReader data, string baseDirectory)
    {
        var node = data.Node("tokenizer");
        if (node is null or SpecScalar)
        {
            var kind = data.Choice("tokenizer", "word", Kinds);
            return new TokenizerSpec(kind, kind == "bpe" ? 1000 : 0, false, null, null, null);
        }
        return data.Section("tokenizer", t =>
        {
            var k = t.Choice("kind", "word", Kinds);
            string? vocab = null, merges = null, save = null;
            var size = 0;
            var lowercase = false;
            if (k == "pretrained")
            {
                return PretrainedTokenizer.Read(t, baseDirectory);
            }
            if (k == "bpe")
            {
                vocab = t.OptionalString("vocab");
                merges = t.OptionalString("merges");
                if ((vocab is null) != (merges is null))
                {
                    throw t.Error(vocab is null ? "merges" : "vocab", "give both vocab (vocab.json) and merges (merges.txt) to load a GPT-2-format tokenizer, or neither to train one.");
                }
                if (vocab is null)
                {
                    size = t.Int("vocab_size", 1000, min: 0);
                    if (size < 257)
                    {
                        throw t.Error("vocab_size", $"{size} is smaller than the byte alphabet: byte-level BPE starts from 256 byte tokens plus <|endoftext|>, so vocab_size must be at least 257.");
                    }
                    save = t.OptionalString("save");
                }
                vocab = vocab is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, vocab));
                merges = merges is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, merges));
                save = save is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, save));
            }
            else
            {
                size = t.Int("vocab_size", 0, min: 0);
                if (size is > 0 and < 3)
                {
                    throw t.Error("vocab_size", "must hold <s>, <unk> and at least one type: use 3 or more, or 0 for no cap.");
                }
                lowercase = k == "word" && t.Bool("lowercase", false);
            }
            return new TokenizerSpec(k, size, lowercase, vocab, merges, save);
        });
    }

    /// <summary>The tokenizer for a corpus, trained on its training documents only, and those documents encoded.</summary>
    public (Tokenizer Tokenizer, int[][] Training) Build(IReadOnlyList<string> trainingDocuments)
    {
        if (Kind == "word")
        {
            return WordTokenizer.TrainAndEncode(trainingDocuments, VocabularySize, Lowercase, Environment.ProcessorCount);
        }
        var tokenizer = Train(trainingDocuments);
        return (tokenizer, trainingDocuments.Select(tokenizer.Encode).ToArray());
    }

    private Tokenizer Train(IReadOnlyList<string> trainingDocuments)
    {
        switch (Kind)
        {
            case "pretrained":
                return PretrainedTokenizer.Load(this);
            case "char":
                return CharTokenizer.Train(trainingDocuments, VocabularySize);
            default:
                if (VocabPath is not null)
                {
                    return Gpt2Files.Load(VocabPath, MergesPath!);
                }
                var bpe = BpeTokenizer.Train(trainingDocuments, VocabularySize);
                if (SaveFolder is not null)
                {
                    Directory.CreateDirectory(SaveFolder);
                    Gpt2Files.Save(bpe, Path.Combine(SaveFolder, "vocab.json"), Path.Combine(SaveFolder, "merges.txt"));
                }
                return bpe;
        }
    }
}
