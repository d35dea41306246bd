using System.Globalization;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>A few generations of one arm's samples (first recorded replicate), as written in samples.csv.</summary>
public sealed record SamplePreview(string Arm, int Replicate, SortedDictionary<int, List<string>> ByGeneration)
{
    /// <summary>Numeric rows (space-separated numbers of one width) parsed, or null when the samples are text.</summary>
    public SortedDictionary<int, List<double[]>>? Numeric()
    {
        var parsed = new SortedDictionary<int, List<double[]>>();
        var width = -1;
        foreach (var (g, items) in ByGeneration)
        {
            var rows = new List<double[]>();
            foreach (var item in items)
            {
                var parts = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var row = new double[parts.Length];
                for (var j = 0; j < parts.Length; j++)
                {
                    if (!TryNumber(parts[j], out row[j]))
                    {
                        return null;
                    }
                }
                if (row.Length == 0 || (width >= 0 && row.Length != width))
                {
                    return null;
                }
                width = row.Length;
                rows.Add(row);
            }
            parsed[g] = rows;
        }
        return width < 0 ? null : parsed;
    }

    private static bool TryNumber(string text, out double value)
    {
        if (text is "inf" or "-inf")
        {
            value = Numbers.Parse(text);
            return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>
/// Per-sample values of one arm and name (e.g. per-sequence perplexity under model₀). With many values per
/// generation they are kept at a few generations (for histograms); with at most <see cref="SampleTables.FewValues"/>
/// (e.g. one per mixture component) they are a trajectory, kept at every generation a series chart draws.
/// </summary>
public sealed record SampleValueSeries(string Arm, string Name, int Replicate, SortedDictionary<int, double[]> ByGeneration, bool Trajectory);

/// <summary>
/// Reads samples.csv and the per-sample values (CSV or Parquet) in two streaming passes: the first finds which generations each arm
/// has, the second keeps only the few a report shows, so these files never have to fit in memory whole.
/// </summary>
public static class SampleTables
{
    public static List<SamplePreview> Previews(RunFolder folder, int generations, int perGeneration)
    {
        var path = folder.File("samples.csv");
        // arm → (first replicate, its generations)
        var seen = new Dictionary<string, (int Replicate, SortedSet<int> Generations)>();
        var order = new List<string>();
        foreach (var f in CsvRecords.Read(path).Where(f => f.Length >= 5))
        {
            var (arm, rep, g) = (f[0], RunRecord.ParseInt(f[1]), RunRecord.ParseInt(f[2]));
            if (!seen.TryGetValue(arm, out var s))
            {
                seen[arm] = s = (rep, []);
                order.Add(arm);
            }
            if (rep == s.Replicate)
            {
                s.Generations.Add(g);
            }
        }
        var picks = seen.ToDictionary(kv => kv.Key, kv => GenerationPicks.Few(kv.Value.Generations, generations).ToHashSet());
        var previews = order.ToDictionary(a => a, a => new SamplePreview(a, seen[a].Replicate, []));
        foreach (var f in CsvRecords.Read(path).Where(f => f.Length >= 5))
        {
            var (arm, rep, g) = (f[0], RunRecord.ParseInt(f[1]), RunRecord.ParseInt(f[2]));
            if (rep != seen[arm].Replicate || !picks[arm].Contains(g))
            {
                continue;
            }
            var items = previews[arm].ByGeneration.TryGetValue(g, out var list) ? list : previews[arm].ByGeneration[g] = [];
            if (items.Count < perGeneration)
            {
                items.Add(f[4]);
            }
        }
        return order.Select(a => previews[a]).ToList();
    }

    /// <summary>At most this many values per generation are drawn as lines over generations, not as histograms.</summary>
    public const int FewValues = 10;

    public static List<SampleValueSeries> Values(RunFolder folder, int generations)
    {
        var seen = new Dictionary<(string Arm, string Name), (int Replicate, SortedSet<int> Generations)>();
        var perGeneration = new Dictionary<(string, string), int>();
        var order = new List<(string, string)>();
        foreach (var f in TableExport.RowsIfAny(folder, "sample-values").Where(f => f.Length >= 6))
        {
            var key = (f[0], f[3]);
            var (rep, g) = (RunRecord.ParseInt(f[1]), RunRecord.ParseInt(f[2]));
            if (!seen.TryGetValue(key, out var s))
            {
                seen[key] = s = (rep, []);
                order.Add(key);
            }
            if (rep == s.Replicate)
            {
                s.Generations.Add(g);
                perGeneration[key] = Math.Max(perGeneration.GetValueOrDefault(key), RunRecord.ParseInt(f[4]) + 1);
            }
        }
        var trajectory = order.ToDictionary(k => k, k => perGeneration.GetValueOrDefault(k) <= FewValues);
        var picks = seen.ToDictionary(kv => kv.Key, kv => (trajectory[kv.Key]
            ? GenerationPicks.Series(kv.Value.Generations.Max).Where(kv.Value.Generations.Contains)
            : GenerationPicks.Few(kv.Value.Generations, generations)).ToHashSet());
        var collected = order.ToDictionary(k => k, _ => new SortedDictionary<int, List<double>>());
        foreach (var f in TableExport.RowsIfAny(folder, "sample-values").Where(f => f.Length >= 6))
        {
            var key = (f[0], f[3]);
            var (rep, g) = (RunRecord.ParseInt(f[1]), RunRecord.ParseInt(f[2]));
            if (rep != seen[key].Replicate || !picks[key].Contains(g))
            {
                continue;
            }
            var values = collected[key].TryGetValue(g, out var list) ? list : collected[key][g] = [];
            values.Add(Numbers.Parse(f[5]));
        }
        return order.Select(k => new SampleValueSeries(k.Item1, k.Item2, seen[k].Replicate,
            new SortedDictionary<int, double[]>(collected[k].ToDictionary(kv => kv.Key, kv => kv.Value.ToArray())), trajectory[k])).ToList();
    }
}
