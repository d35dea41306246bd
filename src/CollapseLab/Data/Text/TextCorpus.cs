namespace CollapseLab.Data.Text;

/// <summary>
/// Real text as documents: the unit of the train/test split, so no test text reaches training. A corpus with its
/// own split (WikiText) brings <see cref="TestDocuments"/>; otherwise a seeded share of documents is held out.
/// </summary>
public sealed record TextCorpus(string Name, IReadOnlyList<string> Documents, IReadOnlyList<string>? TestDocuments = null)
{
    /// <summary>With fewer documents than this, the text is cut into <see cref="Pieces"/> pseudo-documents to split.</summary>
    public const int MinimumDocuments = 10;

    public const int Pieces = 100;

    /// <summary>Cuts one text into about <paramref name="pieces"/> parts of similar length, at whitespace.</summary>
    public static List<string> Cut(string text, int pieces)
    {
        var parts = new List<string>(pieces);
        var size = Math.Max(1, text.Length / pieces);
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + size);
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }
            var part = text[start..end];
            if (part.Trim().Length > 0)
            {
                parts.Add(part);
            }
            start = end;
        }
        return parts;
    }
}
