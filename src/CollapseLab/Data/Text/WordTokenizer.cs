using System.Globalization;
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
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var doc in documents)
        {
            var text = lowercase ? doc.ToLowerInvariant() : doc;
            foreach (var (start, length) in Split(text))
            {
                var word = text.AsSpan(start, length);
                lookup[word] = lookup.TryGetValue(word, out var c) ? c + 1 : 1;
            }
        }
        return new WordTokenizer(Vocabulary.FromCounts(counts, maxSize), lowercase);
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
        var ids = new List<int>(text.Length / 4);
        foreach (var (start, length) in Split(text))
        {
            ids.Add(_vocabulary.Id(text.AsSpan(start, length)));
        }
        return ids.ToArray();
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

    /// <summary>(start, length) of each token of <paramref name="text"/>, in order.</summary>
    public static IEnumerable<(int Start, int Length)> Split(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == ' ' || c == '\n' || char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var start = i;
            if (IsLetter(text, i))
            {
                i += Width(text, i);
                while (i < text.Length)
                {
                    if (IsWordPart(text, i))
                    {
                        i += Width(text, i);
                    }
                    else if ((text[i] == '\'' || text[i] == '’') && i + 1 < text.Length && IsLetter(text, i + 1))
                    {
                        i++;
                    }
                    else
                    {
                        break;
                    }
                }
            }
            else if (char.IsDigit(c))
            {
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }
            }
            else
            {
                i += Width(text, i);
            }
            yield return (start, i - start);
        }
    }

    private static int Width(string text, int i) => char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;

    private static bool IsLetter(string text, int i) => text[i] < 0x80 ? char.IsAsciiLetter(text[i]) : char.IsLetter(text, i);

    private static bool IsWordPart(string text, int i) => text[i] < 0x80 ? char.IsAsciiLetterOrDigit(text[i]) : CharUnicodeInfo.GetUnicodeCategory(text, i) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
        UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or
        UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber => true,
        _ => false,
    };
}
