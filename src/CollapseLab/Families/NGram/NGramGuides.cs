namespace CollapseLab.Families.NGram;

/// <summary>
/// Guide tables (Chen &amp; Asau's index search) for contexts with many entries: bucket k of a context with mass M
/// holds the first entry whose running weight exceeds k·M/K, so a draw u starts at bucket ⌊u·K/M⌋ and scans a few
/// entries instead of a binary search over thousands. Layout per context: End, K, then the K buckets.
/// </summary>
internal sealed class NGramGuides
{
    /// <summary>Contexts with fewer entries are scanned from their start.</summary>
    public const int MinEntries = 16;

    /// <summary>Entries per bucket on average.</summary>
    private const int EntriesPerBucket = 4;

    private readonly int[] _guides;

    /// <summary>Plans a guide for every long context of the table; <paramref name="at"/>[c] is its offset or −1.</summary>
    public NGramGuides(NGramTable table, out int[] at)
    {
        at = new int[table.ContextCount];
        var size = 0;
        for (var c = 0; c < at.Length; c++)
        {
            var entries = table.EntryStart[c + 1] - table.EntryStart[c];
            at[c] = entries >= MinEntries ? size : -1;
            size += entries >= MinEntries ? 2 + entries / EntriesPerBucket : 0;
        }
        _guides = new int[size];
    }

    public int End(in NGramContext context) => context.Extra < 0 ? ~context.Extra : _guides[context.Extra];

    /// <summary>Fills the guide at <paramref name="at"/> for the entries [start, end) of <paramref name="draws"/>.</summary>
    public void Fill(int at, int start, int end, double mass, NGramModel.Draw[] draws)
    {
        var buckets = (end - start) / EntriesPerBucket;
        _guides[at] = end;
        _guides[at + 1] = buckets;
        var e = start;
        for (var k = 0; k < buckets; k++)
        {
            var threshold = mass * k / buckets;
            while (draws[e].Cumulative <= threshold)
            {
                e++;
            }
            _guides[at + 2 + k] = e;
        }
    }

    /// <summary>An entry at or near the first whose running weight exceeds u (&lt; mass); the caller finishes the search.</summary>
    public int Start(in NGramContext context, double u)
    {
        if (context.Extra < 0)
        {
            return context.Start;
        }
        var buckets = _guides[context.Extra + 1];
        return _guides[context.Extra + 2 + Math.Min(buckets - 1, (int)(u / context.Mass * buckets))];
    }
}
