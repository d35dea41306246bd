using System.Globalization;

namespace CollapseLab.Data.Text;

/// <summary>
/// The (start, length) of each word-tokenizer token of a text, in order, without allocating: a letter followed by
/// letters, marks and digits with inner apostrophes; a run of digits; or any other non-space character alone.
/// ASCII, most of most corpora, is classified inline; other characters by their Unicode category.
/// </summary>
public ref struct WordSpans(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> _text = text;
    private int _end;

    public (int Start, int Length) Current { get; private set; }

    public readonly WordSpans GetEnumerator() => this;

    public bool MoveNext()
    {
        var text = _text;
        var i = _end;
        char c;
        while (true)
        {
            if ((uint)i >= (uint)text.Length)
            {
                return false;
            }
            c = text[i];
            // Printable ASCII is never white space: only the rest needs the Unicode test.
            if (c != ' ' && ((c > ' ' && c < 0x7F) || !char.IsWhiteSpace(c)))
            {
                break;
            }
            i++;
        }
        var start = i;
        if (char.IsAsciiLetter(c))
        {
            i++;
            while ((uint)i < (uint)text.Length && char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
            }
            i = WordEnd(text, i);
        }
        else if (c >= 0x80 && IsLetter(text, i))
        {
            i = WordEnd(text, i + Width(text, i));
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
        _end = i;
        Current = (start, i - start);
        return true;
    }

    private static int WordEnd(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80 ? char.IsAsciiLetterOrDigit(c) : IsWordPart(text, i))
            {
                i += c < 0x80 ? 1 : Width(text, i);
            }
            else if ((c == '\'' || c == '’') && i + 1 < text.Length && IsLetter(text, i + 1))
            {
                i++;
            }
            else
            {
                break;
            }
        }
        return i;
    }

    private static int Width(ReadOnlySpan<char> text, int i) => char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;

    private static UnicodeCategory Category(ReadOnlySpan<char> text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
            ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))
            : CharUnicodeInfo.GetUnicodeCategory(text[i]);

    private static bool IsLetter(ReadOnlySpan<char> text, int i) => text[i] < 0x80 ? char.IsAsciiLetter(text[i]) : Category(text, i) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
        UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        _ => false,
    };

    private static bool IsWordPart(ReadOnlySpan<char> text, int i) => Category(text, i) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
        UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or
        UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber => true,
        _ => false,
    };
}
