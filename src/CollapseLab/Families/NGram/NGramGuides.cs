namespace CollapseLab.Families.NGram;

/// <summary>
/// Guide tables (Chen &amp; Asau's index search) for contexts with many entries: bucket k of a context with mass M
/// covers draws u in [k·M/K, (k+1)·M/K) and holds the first entry whose running weight exceeds k·M/K, so a draw
/// starts there and scans a few entries instead of a binary search over thousands. A bucket that lies inside one
/// entry (with a margin for rounding) holds ~token instead: the draw is that token without reading any entry, which
/// is the common case for the frequent words of a context. Layout per context: End, K, then the K buckets.
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

    /// <summary>Guides with the layout of <paramref name="layout"/>, to be filled for other weights of the same entries.</summary>
    public NGramGuides(NGramGuides layout) => _guides = new int[layout._guides.Length];

    public int End(in NGramContext context) => context.Extra < 0 ? ~context.Extra : _guides[context.Extra];

    /// <summary>Fills the guide at <paramref name="at"/> for the entries [start, end) of <paramref name="draws"/>.</summary>
    public void Fill(int at, int start, int end, double mass, NGramModel.Draw[] draws)
    {
        var buckets = (end - start) / EntriesPerBucket;
        _guides[at] = end;
        _guides[at + 1] = buckets;
        var margin = mass * 1e-9;
        var e = start;
        for (var k = 0; k < buckets; k++)
        {
            var (low, high) = (mass * k / buckets, mass * (k + 1) / buckets);
            while (draws[e].Cumulative <= low)
            {
                e++;
            }
            var inside = draws[e].Cumulative >= high + margin && (e == start || draws[e - 1].Cumulative <= low - margin);
            _guides[at + 2 + k] = inside ? ~draws[e].Token : e;
        }
    }

    /// <summary>
    /// For a draw u &lt; mass: ~token when its bucket settles the draw, else an entry at or near the first whose
    /// running weight exceeds u, from which the caller finishes the search.
    /// </summary>
    public int Start(in NGramContext context, double u)
    {
        if (context.Extra < 0)
        {
            return context.Start;
        }
        var buckets = _guides[context.Extra + 1];
        return _guides[context.Extra + 2 + Math.Min(buckets - 1, (int)(u / context.Mass * buckets))];
    }

    /// <summary>The token of a draw u &lt; the context's mass from the running sums in <paramref name="draws"/> this guide was filled for.</summary>
    public int Token(in NGramContext context, double u, NGramModel.Draw[] draws)
    {
        var e = Start(context, u);
        if (e < 0)
        {
            return ~e;
        }
        while (e > context.Start && draws[e - 1].Cumulative > u)
        {
            e--; // a bucket index rounded up
        }
        while (draws[e].Cumulative <= u)
        {
            e++;
        }
        return draws[e].Token;
    }
}
