namespace CollapseLab.Data.Text;

/// <summary>
/// What the language metrics compare against, from the real test set: count of each type, the set of types
/// present, and the tail — the rarest types (ascending count, ties by id) whose counts together stay within
/// <see cref="TailMass"/> of all test tokens.
/// </summary>
public sealed class TextStatistics
{
    public const double TailMass = 0.10;

    public TextStatistics(TokenBatch test, int vocabularySize, int boundary)
    {
        Counts = new long[vocabularySize];
        foreach (var t in test.Tokens)
        {
            Counts[t]++;
        }
        Tokens = test.TokenCount;
        Types = Counts.Count(c => c > 0);
        IsTail = new bool[vocabularySize];
        var budget = TailMass * Tokens;
        var held = 0L;
        foreach (var t in Enumerable.Range(0, vocabularySize).Where(t => Counts[t] > 0 && t != boundary).OrderBy(t => Counts[t]).ThenBy(t => t))
        {
            if (held + Counts[t] > budget)
            {
                break;
            }
            held += Counts[t];
            IsTail[t] = true;
            TailTypes++;
        }
        TailTokens = held;
    }

    public long[] Counts { get; }

    public long Tokens { get; }

    public int Types { get; }

    public bool[] IsTail { get; }

    public int TailTypes { get; }

    /// <summary>Test tokens whose type is in the tail (at most 10% of <see cref="Tokens"/>).</summary>
    public long TailTokens { get; }
}
