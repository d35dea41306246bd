using CollapseLab.Data.Text;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Language.Data;

public class TokenizerTests
{
    private const string Text = "In the beginning God created the heaven and the earth.\nThe LORD's word — naïve café, 東京, emoji 🙂 and don't stop!\n";

    private static readonly string[] Corpus =
        [Text, "And God said, Let there be light: and there was light.", "Hello world. Hello there, world! 12345 67"];

    [Fact]
    public void ByteLevelMapMatchesGpt2()
    {
        Assert.Equal('Ġ', ByteLevel.ByteToChar[' ']);
        Assert.Equal('Ċ', ByteLevel.ByteToChar['\n']);
        Assert.Equal('A', ByteLevel.ByteToChar['A']);
        Assert.Equal(256, ByteLevel.ByteToChar.Distinct().Count());
    }

    [Fact]
    public void BpeRoundTripsAnyText()
    {
        var bpe = BpeTokenizer.Train(Corpus, 300);
        // Training stops early once no pair occurs twice in this small corpus.
        Assert.InRange(bpe.VocabularySize, 280, 300);
        foreach (var text in Corpus.Append("unseen ∑ text with ünïcödé and\ttabs  and  spaces\r\n"))
        {
            Assert.Equal(text, bpe.Decode(bpe.Encode(text)));
        }
        Assert.True(bpe.Encode(Text).Length < System.Text.Encoding.UTF8.GetByteCount(Text));
    }

    [Fact]
    public void Gpt2FilesSaveAndLoadTheSameTokenizer()
    {
        var bpe = BpeTokenizer.Train(Corpus, 320);
        var folder = Directory.CreateTempSubdirectory("collapselab-bpe").FullName;
        try
        {
            var (vocab, merges) = (Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
            Gpt2Files.Save(bpe, vocab, merges);
            Assert.StartsWith("#version: 0.2\n", File.ReadAllText(merges), StringComparison.Ordinal);
            var loaded = Gpt2Files.Load(vocab, merges);
            Assert.Equal(bpe.VocabularySize, loaded.VocabularySize);
            Assert.Equal(bpe.Boundary, loaded.Boundary);
            Assert.Equal(bpe.Encode(Text), loaded.Encode(Text));
            Assert.Equal(Text, loaded.Decode(loaded.Encode(Text)));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>A hand-written vocabulary in GPT-2's format: merges apply by rank, "Ġ" stands for a space.</summary>
    [Fact]
    public void LoadsHandWrittenGpt2Files()
    {
        var folder = Directory.CreateTempSubdirectory("collapselab-gpt2").FullName;
        try
        {
            var tokens = Enumerable.Range(0, 256).Select(b => ByteLevel.ByteToChar[b].ToString()).Concat(["he", "Ġt", "Ġthe", "<|endoftext|>"]).ToList();
            var json = "{" + string.Join(", ", tokens.Select((t, i) => $"{System.Text.Json.JsonSerializer.Serialize(t)}: {i}")) + "}";
            File.WriteAllText(Path.Combine(folder, "vocab.json"), json);
            File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\nh e\nĠ t\nĠt he\n");
            var bpe = Gpt2Files.Load(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
            Assert.Equal(259, bpe.Boundary);
            Assert.Equal([(int)'t', 256, 258], bpe.Encode("the the"));
            File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\nh e\nq zz\n");
            var e = Assert.Throws<SpecException>(() => Gpt2Files.Load(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt")));
            Assert.Contains("merges.txt:3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void WordTokenizerSplitsByUnicodeCategory()
    {
        var words = WordTokenizer.Train(Corpus, 0, lowercase: false);
        var ids = words.Encode("The LORD's word — naïve café, 東京 don't");
        Assert.Equal(["The", "LORD's", "word", "—", "naïve", "café", ",", "東京", "don't"], ids.Select(words.TokenText));
        Assert.Equal("The LORD's word — naïve café, 東京 don't", words.Decode(ids));
        Assert.Equal(Vocabulary.UnknownId, words.Encode("zyzzyva")[0]);
    }

    [Fact]
    public void CharTokenizerKeepsRunes()
    {
        var chars = CharTokenizer.Train(Corpus, 0);
        Assert.Equal("東京 🙂", chars.Decode(chars.Encode("東京 🙂")));
        Assert.Equal(4, chars.Encode("東京 🙂").Length);
    }

    /// <summary>Training text long enough to be split between threads encodes as Encode does, whatever the split.</summary>
    [Fact]
    public void TrainAndEncodeIsTheSameOnAnyThreadCount()
    {
        var rng = new CollapseLab.Random.RandomStream(9);
        string[] words = ["the", "LORD", "said", "unto", "Moses", "naïve", "don't", "東京", "12", ",", "."];
        var documents = Enumerable.Range(0, 4000).Select(_ =>
            string.Join(' ', Enumerable.Range(0, 150).Select(_ => words[rng.NextInt(words.Length)] + (rng.NextInt(50) == 0 ? rng.NextInt(1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")))).ToList();
        Assert.True(documents.Sum(d => d.Length) > 2 << 20, "long enough for two parts");
        var (one, oneEncoded) = WordTokenizer.TrainAndEncode(documents, 500, false, 1);
        var (two, twoEncoded) = WordTokenizer.TrainAndEncode(documents, 500, false, 2);
        Assert.Equal(Enumerable.Range(0, one.VocabularySize).Select(one.TokenText), Enumerable.Range(0, two.VocabularySize).Select(two.TokenText));
        for (var d = 0; d < documents.Count; d++)
        {
            Assert.Equal(one.Encode(documents[d]), oneEncoded[d]);
            Assert.Equal(oneEncoded[d], twoEncoded[d]);
        }
    }

    /// <summary>Edges of the scanner: marks inside words, non-ASCII digits and letters beyond the BMP, apostrophes at the
    /// ends of words, Unicode white space, and a control character as a token of its own.</summary>
    [Fact]
    public void WordSpansHandleTheEdges()
    {
        const string text = "e\u0301t\u00E9 \u0661\u0662x 12ab x' 'y \U0001D400b\tA\u00A0B\u0085C\u007FD don\u2019t -";
        var tokens = new List<string>();
        foreach (var (start, length) in new WordSpans(text))
        {
            tokens.Add(text.Substring(start, length));
        }
        Assert.Equal(["e\u0301t\u00E9", "\u0661\u0662", "x", "12", "ab", "x", "'", "'", "y", "\U0001D400b", "A", "B", "C", "\u007F", "D", "don\u2019t", "-"], tokens);
    }
}
