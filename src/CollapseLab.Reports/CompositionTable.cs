using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>
/// Training-set composition by origin for one arm, grouped for drawing: "real", then the synthetic origins in
/// at most <see cref="MaxGroups"/> bands of consecutive generations (one band per generation when there are few),
/// at the generations <see cref="GenerationPicks.Series"/> keeps.
/// </summary>
public sealed record CompositionSeries(string Arm, List<string> Groups, List<int> Generations, double[,] Shares)
{
    public const int MaxGroups = 8;

    /// <summary>Reads composition.csv (streaming: with accumulate it has about G²/2 rows) into one series per arm.</summary>
    public static List<CompositionSeries> Read(RunFolder folder, int lastGeneration)
    {
        var generations = GenerationPicks.Series(lastGeneration);
        var index = new Dictionary<int, int>();
        for (var i = 0; i < generations.Count; i++)
        {
            index[generations[i]] = i;
        }
        // Origins are gen0 … gen(G−1); bands of width w keep the group count at most MaxGroups.
        var width = Math.Max(1, (int)Math.Ceiling(lastGeneration / (double)MaxGroups));
        var bandCount = lastGeneration == 0 ? 0 : (lastGeneration - 1) / width + 1;
        var groups = new List<string> { "real" };
        for (var b = 0; b < bandCount; b++)
        {
            var (lo, hi) = (b * width, Math.Min(lastGeneration - 1, (b + 1) * width - 1));
            groups.Add(lo == hi ? $"gen {lo}" : $"gens {lo}–{hi}");
        }
        var arms = new Dictionary<string, double[,]>();
        var order = new List<string>();
        foreach (var f in CsvRecords.Read(folder.File("composition.csv")).Where(f => f.Length >= 4))
        {
            if (!arms.TryGetValue(f[0], out var shares))
            {
                arms[f[0]] = shares = new double[generations.Count, groups.Count];
                order.Add(f[0]);
            }
            if (!index.TryGetValue(RunRecord.ParseInt(f[1]), out var row))
            {
                continue;
            }
            var origin = f[2];
            var group = origin == "real" ? 0
                : origin.StartsWith("gen", StringComparison.Ordinal) && int.TryParse(origin.AsSpan(3), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var o)
                    ? 1 + Math.Min(bandCount - 1, o / width) : -1;
            if (group >= 0)
            {
                shares[row, group] += Numbers.Parse(f[3]);
            }
        }
        return order.Select(a => new CompositionSeries(a, groups, generations, arms[a])).ToList();
    }
}
