namespace CollapseLab.Reports;

/// <summary>
/// Which generations a report draws. Series charts keep at most <see cref="SeriesPoints"/> generations per line
/// (every k-th, plus the first, the last and any that must stay, such as collapse onsets), so a report's size does
/// not grow with the number of generations. Distributions and galleries show a few generations on a 1–2–5 ladder
/// (0, 1, 2, 5, 10, 20, 50, …, last) because collapse changes most in the early generations.
/// </summary>
public static class GenerationPicks
{
    public const int SeriesPoints = 250;

    /// <summary>Generations 0…last thinned to about <paramref name="maxPoints"/>, always with 0, last and <paramref name="keep"/>.</summary>
    public static List<int> Series(int last, int maxPoints = SeriesPoints, IEnumerable<int>? keep = null)
    {
        var step = Math.Max(1, (int)Math.Ceiling((last + 1) / (double)maxPoints));
        var picked = new SortedSet<int>();
        for (var g = 0; g <= last; g += step)
        {
            picked.Add(g);
        }
        picked.Add(last);
        foreach (var g in keep ?? [])
        {
            if (g >= 0 && g <= last)
            {
                picked.Add(g);
            }
        }
        return picked.ToList();
    }

    /// <summary>At most <paramref name="count"/> of the <paramref name="available"/> generations: the 1–2–5 ladder, thinned evenly.</summary>
    public static List<int> Few(IEnumerable<int> available, int count)
    {
        var sorted = available.Distinct().Order().ToList();
        if (sorted.Count <= count)
        {
            return sorted;
        }
        var last = sorted[^1];
        var ladder = new SortedSet<int> { sorted[0], last };
        for (long decade = 1; decade <= last; decade *= 10)
        {
            foreach (var m in new[] { 1L, 2L, 5L })
            {
                if (m * decade <= last)
                {
                    ladder.Add(Nearest(sorted, (int)(m * decade)));
                }
            }
        }
        var rungs = ladder.ToList();
        if (rungs.Count <= count)
        {
            return rungs;
        }
        var thinned = new SortedSet<int>();
        for (var i = 0; i < count; i++)
        {
            thinned.Add(rungs[(int)Math.Round(i * (rungs.Count - 1) / (double)(count - 1))]);
        }
        return thinned.ToList();
    }

    private static int Nearest(List<int> sorted, int target)
    {
        var i = sorted.BinarySearch(target);
        if (i >= 0)
        {
            return sorted[i];
        }
        i = ~i;
        if (i == 0)
        {
            return sorted[0];
        }
        if (i == sorted.Count)
        {
            return sorted[^1];
        }
        return target - sorted[i - 1] <= sorted[i] - target ? sorted[i - 1] : sorted[i];
    }
}
