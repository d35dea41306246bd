using CollapseLab.Data.Text;

namespace CollapseLab.Families.NGram;

/// <summary>
/// The counts of an n-gram model in flat arrays. Contexts form a trie that grows to the left: context 0 is empty
/// and context c·w (one older token w in front) has id Contexts[(c, w)]; so dropping a context's oldest token is
/// <see cref="ContextParent"/>. Entries (context, next token) are grouped by context (CSR: the entries of context c are
/// EntryStart[c] … EntryStart[c+1]) and found by Entries[(c, w)]. Top-order entries hold raw counts; for Kneser–Ney,
/// lower orders hold continuation counts N₁₊(• h w), the number of distinct tokens seen before h w.
/// </summary>
internal sealed class NGramTable
{
    public required int Order { get; init; }
    public required PackedIndex Contexts { get; init; }
    public required int[] ContextParent { get; init; }
    public required int[] ContextDepth { get; init; }
    public required PackedIndex Entries { get; init; }
    public required int[] EntryStart { get; init; }
    public required int[] EntryToken { get; init; }
    public required int[] EntryCount { get; init; }

    public int ContextCount => ContextParent.Length;

    public int EntryCountTotal => EntryToken.Length;

    /// <summary>Counts every n-gram of every sequence, each padded with n−1 boundaries in front and one behind.</summary>
    public static NGramTable Count(TokenBatch data, int order, int boundary, bool continuationCounts)
    {
        var n = order;
        var contexts = new PackedIndex(Math.Max(1024, data.TokenCount / 4));
        var parent = new List<int>(data.TokenCount / 4) { -1 };
        var depth = new List<int>(data.TokenCount / 4) { 0 };
        var entries = new PackedIndex(Math.Max(1024, data.TokenCount / 2));
        var entryContext = new List<int>(data.TokenCount / 2);
        var entryToken = new List<int>(data.TokenCount / 2);
        var entryCount = new List<int>(data.TokenCount / 2);
        var padded = new int[n - 1 + 1 + data.Tokens.Length / Math.Max(1, data.Count) + 1];
        var chain = new int[n];
        for (var s = 0; s < data.Count; s++)
        {
            var seq = data.Sequence(s);
            var length = n - 1 + seq.Length + 1;
            if (padded.Length < length)
            {
                padded = new int[length * 2];
            }
            padded.AsSpan(0, n - 1).Fill(boundary);
            seq.CopyTo(padded.AsSpan(n - 1));
            padded[length - 1] = boundary;
            for (var i = n - 1; i < length; i++)
            {
                var c = 0;
                for (var k = 1; k < n; k++)
                {
                    c = contexts.GetOrAdd(c, padded[i - k], parent.Count, out var added);
                    if (added)
                    {
                        parent.Add(chain[k - 1]);
                        depth.Add(k);
                    }
                    chain[k] = c;
                }
                var e = entries.GetOrAdd(c, padded[i], entryToken.Count, out var newEntry);
                if (newEntry)
                {
                    entryContext.Add(c);
                    entryToken.Add(padded[i]);
                    entryCount.Add(1);
                }
                else
                {
                    entryCount[e]++;
                }
            }
        }
        if (continuationCounts)
        {
            // Each distinct entry (c, w) at depth d adds one left extension to (parent(c), w) at depth d − 1.
            var start = 0;
            for (var d = n - 1; d >= 1; d--)
            {
                var end = entryToken.Count;
                for (var e = start; e < end; e++)
                {
                    var lower = parent[entryContext[e]];
                    var le = entries.GetOrAdd(lower, entryToken[e], entryToken.Count, out var added);
                    if (added)
                    {
                        entryContext.Add(lower);
                        entryToken.Add(entryToken[e]);
                        entryCount.Add(1);
                    }
                    else
                    {
                        entryCount[le]++;
                    }
                }
                start = end;
            }
        }
        return Group(order, contexts, parent.ToArray(), depth.ToArray(), entries, entryContext, entryToken, entryCount);
    }

    /// <summary>Reorders entries by context (a counting sort) and points the entry index at the new positions.</summary>
    private static NGramTable Group(int order, PackedIndex contexts, int[] parent, int[] depth, PackedIndex entries,
        List<int> entryContext, List<int> entryToken, List<int> entryCount)
    {
        var start = new int[parent.Length + 1];
        foreach (var c in entryContext)
        {
            start[c + 1]++;
        }
        for (var c = 0; c < parent.Length; c++)
        {
            start[c + 1] += start[c];
        }
        var next = start[..^1].ToArray();
        var position = new int[entryContext.Count];
        var tokens = new int[entryContext.Count];
        var counts = new int[entryContext.Count];
        for (var e = 0; e < entryContext.Count; e++)
        {
            var p = next[entryContext[e]]++;
            position[e] = p;
            tokens[p] = entryToken[e];
            counts[p] = entryCount[e];
        }
        entries.Remap(position);
        return new NGramTable
        {
            Order = order,
            Contexts = contexts,
            ContextParent = parent,
            ContextDepth = depth,
            Entries = entries,
            EntryStart = start,
            EntryToken = tokens,
            EntryCount = counts,
        };
    }
}
