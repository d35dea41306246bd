using System.Text;

namespace CollapseLab.Data.Text;

/// <summary>One token per Unicode scalar value (rune); runes not seen in training map to &lt;unk&gt;.</summary>
public sealed class CharTokenizer : Tokenizer
{
    private readonly Vocabulary _vocabulary;

    private CharTokenizer(Vocabulary vocabulary) => _vocabulary = vocabulary;

    public static CharTokenizer Train(IEnumerable<string> documents, int maxSize)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            foreach (var rune in doc.EnumerateRunes())
            {
                var key = rune.ToString();
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return new CharTokenizer(Vocabulary.FromCounts(counts.Select(kv => (kv.Key, kv.Value)), maxSize));
    }

    public override string Kind => "char";

    public override int VocabularySize => _vocabulary.Count;

    public override int Boundary => Vocabulary.BoundaryId;

    public override int[] Encode(string text)
    {
        var ids = new List<int>(text.Length);
        Span<char> buffer = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            var n = rune.EncodeToUtf16(buffer);
            ids.Add(_vocabulary.Id(buffer[..n]));
        }
        return ids.ToArray();
    }

    public override string Decode(ReadOnlySpan<int> tokens)
    {
        var sb = new StringBuilder(tokens.Length);
        foreach (var t in tokens)
        {
            if (t != Boundary)
            {
                sb.Append(t == Vocabulary.UnknownId ? "\uFFFD" : _vocabulary[t]);
            }
        }
        return sb.ToString();
    }

    public override string TokenText(int id) => _vocabulary[id];
}
