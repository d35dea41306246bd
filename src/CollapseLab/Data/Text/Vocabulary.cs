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
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public Vocabulary(IReadOnlyList<string> tokens)
    {
        _tokens = ["<s>", "<unk>", .. tokens];
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < _tokens.Length; i++)
        {
            _ids.TryAdd(_tokens[i], i);
        }
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _tokens.Length;

    public string this[int id] => _tokens[id];

    public int Id(ReadOnlySpan<char> token) => _lookup.TryGetValue(token, out var id) ? id : UnknownId;

    /// <summary>Types from counts: most frequent first, at most <paramref name="maxSize"/> ids in all (0 = no cap).</summary>
    public static Vocabulary FromCounts(Dictionary<string, long> counts, int maxSize)
    {
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
        if (maxSize > 0)
        {
            ordered = ordered.Take(Math.Max(0, maxSize - 2));
        }
        return new Vocabulary(ordered.ToList());
    }
}
