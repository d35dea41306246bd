using System.Globalization;
using System.Text.Json;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>What a report knows about one arm, from summary.json (or just its name when that file is missing).</summary>
public sealed record ArmInfo(string Name, string Family, string Policy, string Data, int SamplesPerGeneration,
    int CollapsedChains, double MedianCollapseGeneration);

/// <summary>A metric's name and its description (the chart's subtitle and axis meaning).</summary>
public sealed record MetricInfo(string Name, string Description);

/// <summary>
/// One run folder read back through its generic files only (spec.yaml, run.json, summary.csv, summary.json):
/// whatever family or data produced it. Larger files (composition, samples, images) are read by their sections.
/// A run whose folder is on another machine is read from the index instead (<see cref="FromIndex"/>).
/// </summary>
public sealed class RunRecord
{
    private RunRecord(RunFolder folder, RunInfo? info, string specYaml, List<SummaryRow> summary,
        List<MetricInfo> metrics, List<ArmInfo> arms, string description, long seed, int replicates)
    {
        Folder = folder;
        Info = info;
        SpecYaml = specYaml;
        Summary = summary;
        Metrics = metrics;
        Arms = arms;
        Description = description;
        Seed = seed;
        Replicates = replicates;
        LastGeneration = summary.Count == 0 ? 0 : summary.Max(r => r.Generation);
    }

    public RunFolder Folder { get; }

    public string Id => Folder.Id;

    public RunInfo? Info { get; }

    public string Name => Info?.Name ?? Id;

    public string Description { get; }

    public long Seed { get; }

    public int Replicates { get; }

    public string SpecYaml { get; }

    public List<SummaryRow> Summary { get; }

    public List<MetricInfo> Metrics { get; }

    public List<ArmInfo> Arms { get; }

    public int LastGeneration { get; }

    /// <summary>Where a run read from the index came from and what that leaves out; null for a run read from its folder.</summary>
    public string? IndexNote { get; private init; }

    public static RunRecord Load(RunFolder folder)
    {
        var summary = SummaryTable.Read(folder);
        var info = RunInfo.Load(folder);
        var specPath = folder.File(RunFolder.SpecFile);
        var specYaml = File.Exists(specPath) ? File.ReadAllText(specPath) : "";
        var metricNames = summary.Select(r => r.Metric).Distinct().ToList();
        var armNames = summary.Select(r => r.Arm).Distinct().ToList();
        var metrics = metricNames.Select(m => new MetricInfo(m, "")).ToList();
        var arms = armNames.Select(a => new ArmInfo(a, "", "", "", 0, 0, double.NaN)).ToList();
        var description = "";
        long seed = 0;
        var replicates = summary.Count == 0 ? 0 : summary.Max(r => r.Count);
        var jsonPath = folder.File("summary.json");
        if (File.Exists(jsonPath))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var root = doc.RootElement;
            description = Text(root, "description");
            seed = root.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
            if (root.TryGetProperty("replicates", out var r) && r.ValueKind == JsonValueKind.Number)
            {
                replicates = r.GetInt32();
            }
            if (root.TryGetProperty("metrics", out var ms))
            {
                var described = ms.EnumerateArray().ToDictionary(m => Text(m, "name"), m => Text(m, "description"));
                metrics = metricNames.Select(m => new MetricInfo(m, described.GetValueOrDefault(m, ""))).ToList();
            }
            if (root.TryGetProperty("arms", out var armsJson))
            {
                var known = armsJson.EnumerateArray().ToDictionary(a => Text(a, "name"), a => new ArmInfo(
                    Text(a, "name"), Text(a, "family"), Text(a, "policy"), Text(a, "data"),
                    a.TryGetProperty("samples_per_generation", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0,
                    a.TryGetProperty("collapsed_chains", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0,
                    Number(a, "median_collapse_generation")));
                arms = armNames.Select(name => known.GetValueOrDefault(name) ?? new ArmInfo(name, "", "", "", 0, 0, double.NaN)).ToList();
            }
        }
        return new RunRecord(folder, info, specYaml, summary, metrics, arms, description, seed, replicates);
    }

    /// <summary>
    /// A run from the index alone: its arms, statistics, seed and resolved spec. Its folder is not on this machine,
    /// so the sections that read the folder's files (composition, curation, samples, monitors) find nothing.
    /// </summary>
    public static RunRecord FromIndex(IndexedResults indexed, string location)
    {
        var run = indexed.Run;
        var info = new RunInfo
        {
            Id = run.Id,
            Name = run.Name,
            Status = run.Status,
            Started = DateTime.TryParse(run.Started, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started) ? started : default,
            Seconds = run.Seconds ?? 0,
            Threads = run.Threads ?? 0,
            // Versions, machine and file names are in the folder's run.json, which the index does not keep.
            Version = "",
            Runtime = "",
            Machine = "",
            MetricsFile = "",
        };
        var metrics = indexed.Summary.Select(r => r.Metric).Distinct().Select(m => new MetricInfo(m, "")).ToList();
        var arms = indexed.Arms.Select(a => new ArmInfo(a.Name, a.Family, a.Policy, a.Data, a.SamplesPerGeneration, a.CollapsedChains, double.NaN)).ToList();
        return new RunRecord(new RunFolder(run.Folder), info, indexed.SpecYaml, [.. indexed.Summary], metrics, arms, "", indexed.Seed, indexed.Replicates)
        {
            IndexNote = $"the index at {location}; the folder {run.Folder} is not on this machine, so standard deviations, "
                + "per-replicate values, composition, curation, samples and monitors are not shown",
        };
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    private static double Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return double.NaN;
        }
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String => Numbers.Parse(v.GetString() ?? ""),
            _ => double.NaN,
        };
    }

    internal static int ParseInt(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
