using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>
/// Writes the HTML report of one run (report.html in its folder) or of several runs overlaid. It reads only the
/// run folders' generic files, so it covers every family: summary.csv for the metric charts (never the
/// per-replicate metrics.csv), composition.csv, curation.csv, samples.csv, sample_values.csv, images/, spec.yaml and run.json.
/// </summary>
public static class ReportBuilder
{
    public const string FileName = "report.html";

    /// <summary>Writes the report of <paramref name="folder"/> to <paramref name="output"/> (default: report.html in the folder); returns the path.</summary>
    public static string Write(RunFolder folder, string? output = null) =>
        Save(output ?? folder.File(FileName), Render([RunRecord.Load(folder)], compare: false));

    /// <summary>One report overlaying the arms of several runs (arm names prefixed by run id), read from their folders or the index.</summary>
    public static string Compare(IReadOnlyList<RunRecord> runs, string output) => Save(output, Render(runs, compare: true));

    private static string Save(string output, string html)
    {
        var path = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteText(path, html);
        return path;
    }

    public static string Render(IReadOnlyList<RunRecord> runs, bool compare)
    {
        var context = new ReportContext(runs, compare);
        var page = new HtmlWriter();
        var onsets = CollapseSection.Write(page, context);
        MetricSection.Write(page, context, onsets);
        CompositionSection.Write(page, context);
        CurationSection.Write(page, context);
        DistributionSection.Write(page, context);
        GallerySection.Write(page, context);
        RunDetailsSection.Write(page, context);
        var first = runs[0];
        var title = compare ? $"Comparison of {runs.Count} runs: {string.Join(", ", runs.Select(r => r.Name).Distinct())}" : $"{first.Name}: model-collapse report";
        var subtitle = compare
            ? string.Join(" · ", runs.Select(r => Escaping.Html($"{r.Id} ({r.Replicates} replicates, generations 0–{r.LastGeneration})")))
            : Escaping.Html($"{first.Description} — run {first.Id}: {first.Arms.Count} arm(s) × {first.Replicates} replicates × generations 0–{first.LastGeneration}");
        return page.Page(title, subtitle);
    }
}
