namespace CollapseLab.Specs;

/// <summary>"Did you mean" hints for mistyped keys and names (Levenshtein distance).</summary>
public static class Suggestions
{
    public static string DidYouMean(string typed, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Key: k, Distance: Distance(typed.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, x.Key.Length / 3))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Key is null ? "" : $" Did you mean '{best.Key}'?";
    }

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
