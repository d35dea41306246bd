using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>One curation step of one arm at one generation, averaged over replicates: items seen, kept and changed.</summary>
public sealed record CurationCell(int Step, string Name, int Generation, double Seen, double Kept, double Changed);

/// <summary>
/// curation.csv read back per arm: for each step (in spec order) and generation, the mean over replicates of seen,
/// kept and changed. Empty when the run had no curation.
/// </summary>
public sealed record CurationTable(string Arm, List<string> Steps, List<CurationCell> Cells)
{
    public const string FileName = "curation.csv";

    public static List<CurationTable> Read(RunFolder folder)
    {
        var path = folder.File(FileName);
        if (!File.Exists(path))
        {
            return [];
        }
        var sums = new Dictionary<string, SortedDictionary<(int Step, int Generation), (string Name, double Seen, double Kept, double Changed, int N)>>();
        var order = new List<string>();
        foreach (var f in CsvRecords.Read(path).Where(f => f.Length >= 8 && f[0] != "arm"))
        {
            if (!sums.TryGetValue(f[0], out var arm))
            {
                sums[f[0]] = arm = [];
                order.Add(f[0]);
            }
            var key = (RunRecord.ParseInt(f[3]), RunRecord.ParseInt(f[2]));
            var (_, seen, kept, changed, n) = arm.GetValueOrDefault(key, (f[4], 0, 0, 0, 0));
            arm[key] = (f[4], seen + Numbers.Parse(f[5]), kept + Numbers.Parse(f[6]), changed + Numbers.Parse(f[7]), n + 1);
        }
        return order.Select(name =>
        {
            var cells = sums[name].Select(kv => new CurationCell(kv.Key.Step, kv.Value.Name, kv.Key.Generation,
                kv.Value.Seen / kv.Value.N, kv.Value.Kept / kv.Value.N, kv.Value.Changed / kv.Value.N)).ToList();
            var steps = cells.GroupBy(c => c.Step).OrderBy(g => g.Key).Select(g => g.First().Name).ToList();
            return new CurationTable(name, steps, cells);
        }).ToList();
    }

    /// <summary>The funnel over the whole chain: mean items per generation entering curation, then after each step.</summary>
    public List<(string Stage, double Count)> Funnel()
    {
        var generations = Cells.Select(c => c.Generation).Distinct().Count();
        var funnel = new List<(string, double)> { ("sampled", Cells.Where(c => c.Step == 0).Sum(c => c.Seen) / generations) };
        for (var s = 0; s < Steps.Count; s++)
        {
            funnel.Add(($"after {s + 1}. {Steps[s]}", Cells.Where(c => c.Step == s).Sum(c => c.Kept) / generations));
        }
        return funnel;
    }
}
