using System.Buffers;
using System.Text;

namespace CollapseLab.Data.Text;

/// <summary>
/// Words by Unicode category: a word is a letter followed by letters, marks and digits, with inner apostrophes
/// ("don't", "LORD's"); a number is a run of digits; any other non-space character is a token of its own.
/// Whitespace separates tokens and is dropped. Words outside the vocabulary map to &lt;unk&gt;.
/// </summary>
public sealed class WordTokenizer : Tokenizer
{
    private readonly Vocabulary _vocabulary;

    private WordTokenizer(Vocabulary vocabulary, bool lowercase)
    {
        _vocabulary = vocabulary;
        Lowercase = lowercase;
    }

    public bool Lowercase { get; }

    public static WordTokenizer Train(IReadOnlyList<string> documents, int maxSize, bool lowercase) =>
        TrainAndEncode(documents, maxSize, lowercase).Tokenizer;

    /// <summary>Trains on the documents and returns them encoded as well, so that the training text is scanned once.</summary>
    public static (WordTokenizer Tokenizer, int[][] Encoded) TrainAndEncode(IReadOnlyList<string> documents, int maxSize, bool lowercase)
    {
        // Each document is first written as the numbers of its words in a table of the types seen, then renumbered.
        var types = new TokenTable();
        var counts = new long[1024];
        var encoded = new int[documents.Count][];
        var buffer = new int[1024];
        for (var d = 0; d < documents.Count; d++)
        {
            var text = lowercase ? documents[d].ToLowerInvariant() : documents[d];
            if (buffer.Length < text.Length)
            {
                buffer = new int[text.Length];
            }
            var n = 0;
            foreach (var (start, length) in new WordSpans(text))
            {
                var type = types.Add(text.AsSpan(start, length));
                if (type == counts.Length)
                {
                    Array.Resize(ref counts, counts.Length * 2);
                }
                counts[type]++;
                buffer[n++] = type;
            }
            encoded[d] = buffer[..n];
        }
        var tokenizer = new WordTokenizer(Vocabulary.FromCounts(Enumerable.Range(0, types.Count).Select(t => (types.Key(t), counts[t])), maxSize), lowercase);
        var id = new int[types.Count];
        for (var t = 0; t < id.Length; t++)
        {
            id[t] = tokenizer._vocabulary.Id(types.Key(t));
        }
        foreach (var tokens in encoded)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                tokens[i] = id[tokens[i]];
            }
        }
        return (tokenizer, encoded);
    }

    public override string Kind => "word";

    public override int VocabularySize => _vocabulary.Count;

    public override int Boundary => Vocabulary.BoundaryId;

    public override int[] Encode(string text)
    {
        if (Lowercase)
        {
            text = text.ToLowerInvariant();
        }
        var ids = ArrayPool<int>.Shared.Rent(text.Length);
        var count = 0;
        foreach (var (start, length) in new WordSpans(text))
        {
            ids[count++] = _vocabulary.Id(text.AsSpan(start, length));
        }
        var result = ids[..count];
        ArrayPool<int>.Shared.Return(ids);
        return result;
    }

    public override string Decode(ReadOnlySpan<int> tokens)
    {
        var sb = new StringBuilder(tokens.Length * 6);
        var glue = true;
        foreach (var t in tokens)
        {
            if (t == Boundary)
            {
                continue;
            }
            var word = _vocabulary[t];
            if (!glue && !(word.Length == 1 && ",.;:!?)]}'’".Contains(word[0], StringComparison.Ordinal)))
            {
                sb.Append(' ');
            }
            sb.Append(word);
            glue = word.Length == 1 && "([{".Contains(word[0], StringComparison.Ordinal);
        }
        return sb.ToString();
    }

    public override string TokenText(int id) => _vocabulary[id];
}
