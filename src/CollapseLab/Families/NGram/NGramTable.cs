using System.Buffers;
using CollapseLab.Data.Text;

namespace CollapseLab.Families.NGram;

/// <summary>
/// The counts of an n-gram model in flat arrays. Contexts form a trie that grows to the left: context 0 is empty and
/// context c is the token <see cref="ContextToken"/>[c] in front of context <see cref="ContextParent"/>[c]; contexts
/// are numbered by length, then by (parent, token). Entries
/// (context, next token) are grouped by context (CSR: the entries of context c are EntryStart[c] … EntryStart[c+1])
/// and sorted by token within it. Top-order entries hold raw counts; for Kneser–Ney, lower orders hold continuation
/// counts N₁₊(• h w), the number of distinct tokens seen before h w.
/// </summary>
internal sealed class NGramTable
{
    public required int Order { get; init; }
    public required int[] ContextParent { get; init; }
    public required int[] ContextToken { get; init; }
    public required int[] ContextDepth { get; init; }
    public required int[] EntryStart { get; init; }
    public required int[] EntryToken { get; init; }
    public required int[] EntryCount { get; init; }

    public int ContextCount => ContextParent.Length;

    public int EntryCountTotal => EntryToken.Length;

    /// <summary>
    /// Counts every n-gram of every sequence, each padded with n−1 boundaries in front and one behind, by sorting:
    /// contexts of length k get ids from the sorted (id of the context of length k − 1, older token) pairs of all
    /// positions, and the entries of a level are the runs of sorted (context id, token) keys.
    /// </summary>
    public static NGramTable Count(TokenBatch data, int order, int vocabularySize, int boundary, bool continuationCounts, int threads)
    {
        var n = order;
        using var text = new PaddedText(data, n, boundary);
        var tokenBits = RadixSort.BitsFor(vocabularySize);
        var positions = text.Positions;
        // Scratch arrays come from the pool: a chain refits every generation, and fresh pages cost more than the counting.
        var keys = ArrayPool<ulong>.Shared.Rent(positions);
        var keyScratch = ArrayPool<ulong>.Shared.Rent(positions);
        var context = ArrayPool<int>.Shared.Rent(positions);
        var levels = new ContextLevel[n];
        levels[0] = new ContextLevel([-1], [-1]);
        if (n >= 2)
        {
            levels[1] = text.LastTokenContexts(vocabularySize, context);
        }
        else
        {
            context.AsSpan(0, positions).Clear(); // every position has the empty context
        }
        int[]? payload = null, payloadScratch = null;
        void Number(int k)
        {
            payload ??= ArrayPool<int>.Shared.Rent(positions);
            payloadScratch ??= ArrayPool<int>.Shared.Rent(positions);
            for (var p = 0; p < positions; p++)
            {
                keys[p] = ((ulong)context[p] << tokenBits) | (uint)text.Back(p, k);
                payload[p] = p;
            }
            RadixSort.Sort(keys, keyScratch, payload, payloadScratch, positions, RadixSort.BitsFor(levels[k - 1].Count) + tokenBits, threads);
            levels[k] = ContextLevel.FromSorted(keys, payload, positions, tokenBits, context);
        }
        for (var k = 2; k < n - 1; k++)
        {
            Number(k);
        }
        // The longest contexts come out of the sort of whole n-grams when (context, older token, token) fits in 64 bits.
        var fused = n >= 3 && RadixSort.BitsFor(levels[n - 2].Count) + 2 * tokenBits <= 64;
        if (n >= 3 && !fused)
        {
            Number(n - 1);
        }
        var entries = new EntryLevel[n];
        if (fused)
        {
            for (var p = 0; p < positions; p++)
            {
                keys[p] = ((((ulong)context[p] << tokenBits) | (uint)text.Back(p, n - 1)) << tokenBits) | (uint)text.Back(p, 0);
            }
            RadixSort.Sort(keys, keyScratch, null, null, positions, RadixSort.BitsFor(levels[n - 2].Count) + 2 * tokenBits, threads);
            (levels[n - 1], entries[n - 1]) = EntryLevel.FromSortedNGrams(keys, positions, tokenBits);
        }
        else
        {
            for (var p = 0; p < positions; p++)
            {
                keys[p] = ((ulong)context[p] << tokenBits) | (uint)text.Back(p, 0);
            }
            RadixSort.Sort(keys, keyScratch, null, null, positions, RadixSort.BitsFor(levels[n - 1].Count) + tokenBits, threads);
            entries[n - 1] = EntryLevel.FromSorted(keys, positions);
        }
        for (var d = n - 2; d >= 0; d--)
        {
            // Each distinct entry (c, w) one level up adds one left extension to (parent(c), w).
            var upper = entries[d + 1];
            var length = continuationCounts ? upper.Keys.Length : 0;
            var mask = (1UL << tokenBits) - 1;
            for (var j = 0; j < length; j++)
            {
                keys[j] = ((ulong)levels[d + 1].Parent[(int)(upper.Keys[j] >> tokenBits)] << tokenBits) | (upper.Keys[j] & mask);
            }
            RadixSort.Sort(keys, keyScratch, null, null, length, RadixSort.BitsFor(levels[d].Count) + tokenBits, threads);
            entries[d] = EntryLevel.FromSorted(keys, length);
        }
        ArrayPool<ulong>.Shared.Return(keys);
        ArrayPool<ulong>.Shared.Return(keyScratch);
        ArrayPool<int>.Shared.Return(context);
        if (payload is not null)
        {
            ArrayPool<int>.Shared.Return(payload);
            ArrayPool<int>.Shared.Return(payloadScratch!);
        }
        return Assemble(n, tokenBits, levels, entries);
    }

    /// <summary>Numbers the contexts of all levels one after the other, so that entries stay in context order.</summary>
    private static NGramTable Assemble(int n, int tokenBits, ContextLevel[] levels, EntryLevel[] entries)
    {
        var offset = new int[n + 1];
        for (var d = 0; d < n; d++)
        {
            offset[d + 1] = offset[d] + levels[d].Count;
        }
        var parent = new int[offset[n]];
        var token = new int[offset[n]];
        var depth = new int[offset[n]];
        (parent[0], token[0]) = (-1, -1);
        for (var d = 1; d < n; d++)
        {
            var level = levels[d];
            for (var l = 0; l < level.Count; l++)
            {
                var id = offset[d] + l;
                parent[id] = offset[d - 1] + level.Parent[l];
                token[id] = level.Token[l];
                depth[id] = d;
            }
        }
        var total = entries.Sum(e => e.Keys.Length);
        var start = new int[offset[n] + 1];
        var tokens = GC.AllocateUninitializedArray<int>(total);
        var counts = GC.AllocateUninitializedArray<int>(total);
        var mask = (1UL << tokenBits) - 1;
        var at = 0;
        for (var d = 0; d < n; d++)
        {
            var level = entries[d];
            for (var j = 0; j < level.Keys.Length; j++, at++)
            {
                start[offset[d] + (int)(level.Keys[j] >> tokenBits) + 1]++;
                tokens[at] = (int)(level.Keys[j] & mask);
                counts[at] = level.Counts[j];
            }
        }
        for (var c = 0; c < offset[n]; c++)
        {
            start[c + 1] += start[c];
        }
        return new NGramTable
        {
            Order = n,
            ContextParent = parent,
            ContextToken = token,
            ContextDepth = depth,
            EntryStart = start,
            EntryToken = tokens,
            EntryCount = counts,
        };
    }
}
