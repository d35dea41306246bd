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

    public static WordTokenizer Train(IEnumerable<string> documents, int maxSize, bool lowercase)
    {
        var counts = new TokenTable();
        foreach (var doc in documents)
        {
            var text = lowercase ? doc.ToLowerInvariant() : doc;
            foreach (var (start, length) in new WordSpans(text))
            {
                counts.GetOrAdd(text.AsSpan(start, length), 0)++;
            }
        }
        var types = Enumerable.Range(0, counts.Count).Select(e => (counts.Key(e), (long)counts.Value(e)));
        return new WordTokenizer(Vocabulary.FromCounts(types, maxSize), lowercase);
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
