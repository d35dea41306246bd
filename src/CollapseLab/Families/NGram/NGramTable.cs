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

    /// <summary>Positions counted per window of the three-pass loop.</summary>
    private const int Window = 64;

    /// <summary>Context id of each token as a one-token context (−1 if never seen): the most used lookup, kept out of the hash.</summary>
    public required int[] FirstContext { get; init; }

    /// <summary>Counts every n-gram of every sequence, each padded with n−1 boundaries in front and one behind.</summary>
    public static NGramTable Count(TokenBatch data, int order, int vocabularySize, int boundary, bool continuationCounts)
    {
        var n = order;
        var contexts = new PackedIndex(Math.Max(1024, data.TokenCount / 4));
        var parent = new List<int>(data.TokenCount / 4) { -1 };
        var depth = new List<int>(data.TokenCount / 4) { 0 };
        var first = new int[vocabularySize];
        Array.Fill(first, -1);
        var counts = new PackedIndex(Math.Max(1024, data.TokenCount / 2));
        var padded = new int[n + 64];
        var chain = new int[n];
        var context = new int[Window];
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
            // Windows of positions in three passes, so that the hash-table misses of a window overlap: prefetch the
            // two-token contexts, resolve every context and prefetch its count slot, then count.
            for (var w0 = n - 1; w0 < length; w0 += Window)
            {
                var w1 = Math.Min(length, w0 + Window);
                if (n >= 3)
                {
                    for (var i = w0; i < w1; i++)
                    {
                        var c1 = first[padded[i - 1]];
                        if (c1 >= 0)
                        {
                            contexts.Prefetch(c1, padded[i - 2]);
                        }
                    }
                }
                for (var i = w0; i < w1; i++)
                {
                    var c = 0;
                    for (var k = 1; k < n; k++)
                    {
                        var token = padded[i - k];
                        var known = k == 1 ? first[token] : -1;
                        if (known >= 0)
                        {
                            c = known;
                        }
                        else
                        {
                            c = contexts.GetOrAdd(c, token, parent.Count, out var added);
                            if (added)
                            {
                                parent.Add(chain[k - 1]);
                                depth.Add(k);
                            }
                            if (k == 1)
                            {
                                first[token] = c;
                            }
                        }
                        chain[k] = c;
                    }
                    context[i - w0] = c;
                    counts.Prefetch(c, padded[i]);
                }
                for (var i = w0; i < w1; i++)
                {
                    counts.Slot(context[i - w0], padded[i], 0, out _)++;
                }
            }
        }
        if (continuationCounts)
        {
            // Each distinct entry (c, w) at depth d adds one left extension to (parent(c), w) at depth d − 1.
            var level = new List<(int Context, int Token)>(counts.Count);
            counts.ForEach((c, w, _) => level.Add((c, w)));
            for (var d = n - 1; d >= 1; d--)
            {
                var lower = new List<(int, int)>();
                foreach (var (c, w) in level)
                {
                    var p = parent[c];
                    counts.Slot(p, w, 0, out var added)++;
                    if (added)
                    {
                        lower.Add((p, w));
                    }
                }
                level = lower;
            }
        }
        return Group(order, contexts, parent.ToArray(), depth.ToArray(), first, counts);
    }

    /// <summary>Lays entries out by context (a counting sort) and points the entry index at their positions.</summary>
    private static NGramTable Group(int order, PackedIndex contexts, int[] parent, int[] depth, int[] first, PackedIndex entries)
    {
        var start = new int[parent.Length + 1];
        entries.ForEach((c, _, _) => start[c + 1]++);
        for (var c = 0; c < parent.Length; c++)
        {
            start[c + 1] += start[c];
        }
        var next = start[..^1];
        var tokens = new int[entries.Count];
        var counts = new int[entries.Count];
        entries.Remap((c, w, count) =>
        {
            var p = next[c]++;
            tokens[p] = w;
            counts[p] = count;
            return p;
        });
        return new NGramTable
        {
            Order = order,
            Contexts = contexts,
            ContextParent = parent,
            ContextDepth = depth,
            FirstContext = first,
            Entries = entries,
            EntryStart = start,
            EntryToken = tokens,
            EntryCount = counts,
        };
    }
}
