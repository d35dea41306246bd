namespace CollapseLab.Data.Text;

/// <summary>
/// Tokens as strings with ids: special tokens first (boundary "&lt;s&gt;" = 0, unknown "&lt;unk&gt;" = 1), then the types of
/// the training text by falling frequency (ties by ordinal order, so the ids are reproducible), capped at a size.
/// </summary>
public sealed class Vocabulary
{
    public const int BoundaryId = 0;
    public const int UnknownId = 1;

    private readonly string[] _tokens;
    private readonly TokenTable _table = new();
    private readonly int[] _idOfEntry;

    public Vocabulary(IReadOnlyList<string> tokens)
    {
        _tokens = ["<s>", "<unk>", .. tokens];
        _idOfEntry = new int[_tokens.Length];
        for (var i = 0; i < _tokens.Length; i++)
        {
            var known = _table.Count;
            var entry = _table.Add(_tokens[i]);
            if (entry == known)
            {
                _idOfEntry[entry] = i; // a repeated token keeps its first id
            }
        }
    }

    public int Count => _tokens.Length;

    public string this[int id] => _tokens[id];

    public int Id(ReadOnlySpan<char> token)
    {
        var entry = _table.Find(token);
        return entry >= 0 ? _idOfEntry[entry] : UnknownId;
    }

    /// <summary>Types from counts: most frequent first, at most <paramref name="maxSize"/> ids in all (0 = no cap).</summary>
    public static Vocabulary FromCounts(IEnumerable<(string Token, long Count)> counts, int maxSize)
    {
        var ordered = counts.OrderByDescending(kv => kv.Count).ThenBy(kv => kv.Token, StringComparer.Ordinal).Select(kv => kv.Token);
        if (maxSize > 0)
        {
            ordered = ordered.Take(Math.Max(0, maxSize - 2));
        }
        return new Vocabulary(ordered.ToList());
    }
}
