namespace CollapseLab.Families.NGram;

/// <summary>The contexts of one length, numbered from 0: context l is Token[l] in front of context Parent[l] one level down.</summary>
internal sealed record ContextLevel(int[] Parent, int[] Token)
{
    public int Count => Parent.Length;

    /// <summary>
    /// Numbers the distinct keys (parent number · 2^tokenBits + older token) of sorted position keys, and writes
    /// each position's number (the payload holds positions) to <paramref name="context"/>.
    /// </summary>
    public static ContextLevel FromSorted(ulong[] keys, int[] payload, int length, int tokenBits, int[] context)
    {
        var count = Distinct(keys, length, 0);
        var parents = new int[count];
        var tokens = new int[count];
        var mask = (1UL << tokenBits) - 1;
        var l = -1;
        for (var j = 0; j < length; j++)
        {
            var key = keys[j];
            if (j == 0 || key != keys[j - 1])
            {
                l++;
                parents[l] = (int)(key >> tokenBits);
                tokens[l] = (int)(key & mask);
            }
            context[payload[j]] = l;
        }
        return new ContextLevel(parents, tokens);
    }

    /// <summary>How many distinct values keys[..length] &gt;&gt; shift holds (the keys are sorted).</summary>
    public static int Distinct(ulong[] keys, int length, int shift)
    {
        var count = length > 0 ? 1 : 0;
        for (var j = 1; j < length; j++)
        {
            count += keys[j] >> shift != keys[j - 1] >> shift ? 1 : 0;
        }
        return count;
    }
}

/// <summary>The distinct (context number · 2^tokenBits + token) keys of one level, ascending, with how often each occurred.</summary>
internal sealed record EntryLevel(ulong[] Keys, int[] Counts)
{
    public static EntryLevel FromSorted(ulong[] keys, int length)
    {
        var count = ContextLevel.Distinct(keys, length, 0);
        var distinct = GC.AllocateUninitializedArray<ulong>(count);
        var counts = new int[count];
        var e = -1;
        for (var j = 0; j < length; j++)
        {
            if (j == 0 || keys[j] != keys[j - 1])
            {
                distinct[++e] = keys[j];
            }
            counts[e]++;
        }
        return new EntryLevel(distinct, counts);
    }

    /// <summary>
    /// From sorted whole n-grams (parent number, older token, token; tokenBits each for the tokens): the contexts
    /// (parent, older token), numbered in order, and the entries keyed by those numbers.
    /// </summary>
    public static (ContextLevel Contexts, EntryLevel Entries) FromSortedNGrams(ulong[] keys, int length, int tokenBits)
    {
        int contextCount = length > 0 ? 1 : 0, entryCount = contextCount;
        for (var j = 1; j < length; j++)
        {
            var (key, previous) = (keys[j], keys[j - 1]);
            entryCount += key != previous ? 1 : 0;
            contextCount += key >> tokenBits != previous >> tokenBits ? 1 : 0;
        }
        var parents = new int[contextCount];
        var tokens = new int[contextCount];
        var distinct = GC.AllocateUninitializedArray<ulong>(entryCount);
        var counts = new int[entryCount];
        int l = -1, e = -1;
        var mask = (1UL << tokenBits) - 1;
        for (var j = 0; j < length; j++)
        {
            var key = keys[j];
            if (j == 0 || key != keys[j - 1])
            {
                var context = key >> tokenBits;
                if (j == 0 || context != keys[j - 1] >> tokenBits)
                {
                    l++;
                    parents[l] = (int)(context >> tokenBits);
                    tokens[l] = (int)(context & mask);
                }
                distinct[++e] = ((ulong)l << tokenBits) | (key & mask);
            }
            counts[e]++;
        }
        return (new ContextLevel(parents, tokens), new EntryLevel(distinct, counts));
    }
}
