namespace CollapseLab.Families.NGram;

/// <summary>The contexts of one length, numbered from 0: context l is Token[l] in front of context Parent[l] one level down.</summary>
internal sealed record ContextLevel(int[] Parent, int[] Token)
{
    public int Count => Parent.Length;

    /// <summary>
    /// Numbers the distinct keys (parent number · 2^tokenBits + older token) of sorted position keys, and writes
    /// each position's number (the payload holds positions) to <paramref name="context"/>.
    /// </summary>
    public static ContextLevel FromSorted(ulong[] keys, int[] payload, int tokenBits, int[] context)
    {
        var parents = new int[keys.Length];
        var tokens = new int[keys.Length];
        var count = 0;
        var previous = ulong.MaxValue;
        var mask = (1UL << tokenBits) - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            var key = keys[j];
            if (key != previous)
            {
                previous = key;
                parents[count] = (int)(key >> tokenBits);
                tokens[count++] = (int)(key & mask);
            }
            context[payload[j]] = count - 1;
        }
        return new ContextLevel(parents[..count], tokens[..count]);
    }
}

/// <summary>The distinct (context number · 2^tokenBits + token) keys of one level, ascending, with how often each occurred.</summary>
internal sealed record EntryLevel(ulong[] Keys, int[] Counts)
{
    public static EntryLevel FromSorted(ulong[] keys, int length)
    {
        var distinct = new ulong[length];
        var counts = new int[length];
        var count = 0;
        for (var j = 0; j < length; j++)
        {
            if (count == 0 || keys[j] != distinct[count - 1])
            {
                distinct[count++] = keys[j];
            }
            counts[count - 1]++;
        }
        return new EntryLevel(distinct[..count], counts[..count]);
    }

    /// <summary>
    /// From sorted whole n-grams (parent number, older token, token; tokenBits each for the tokens): the contexts
    /// (parent, older token), numbered in order, and the entries keyed by those numbers.
    /// </summary>
    public static (ContextLevel Contexts, EntryLevel Entries) FromSortedNGrams(ulong[] keys, int tokenBits)
    {
        var parents = new int[keys.Length];
        var tokens = new int[keys.Length];
        var distinct = new ulong[keys.Length];
        var counts = new int[keys.Length];
        int contexts = 0, entries = 0;
        var mask = (1UL << tokenBits) - 1;
        ulong previousKey = ulong.MaxValue, previousContext = ulong.MaxValue;
        foreach (var key in keys)
        {
            if (key != previousKey)
            {
                previousKey = key;
                var context = key >> tokenBits;
                if (context != previousContext)
                {
                    previousContext = context;
                    parents[contexts] = (int)(context >> tokenBits);
                    tokens[contexts++] = (int)(context & mask);
                }
                distinct[entries++] = ((ulong)(contexts - 1) << tokenBits) | (key & mask);
            }
            counts[entries - 1]++;
        }
        return (new ContextLevel(parents[..contexts], tokens[..contexts]), new EntryLevel(distinct[..entries], counts[..entries]));
    }
}
