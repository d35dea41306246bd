using System.Globalization;

namespace CollapseLab.Reports;

/// <summary>
/// Distributions at a few generations: per-sample values a metric recorded (e.g. per-sequence perplexity under
/// model₀, as in Shumailov et al.'s histograms) and, for numeric samples, the samples themselves (a histogram in
/// 1-D, a scatter of the first two coordinates otherwise).
/// </summary>
public static class DistributionSection
{
    public const int Generations = 6;

    public static void Write(HtmlWriter page, ReportContext context)
    {
        var valueCharts = new List<(string Name, ReportArm Arm, SampleValueSeries Series)>();
        var sampleCharts = new List<(ReportArm Arm, SortedDictionary<int, List<double[]>> Rows)>();
        foreach (var run in context.Runs)
        {
            foreach (var series in SampleTables.Values(run.Folder, Generations))
            {
                if (context.Find(run, series.Arm) is { } arm)
                {
                    valueCharts.Add((series.Name, arm, series));
                }
            }
            foreach (var preview in SampleTables.Previews(run.Folder, Generations, 1000))
            {
                if (context.Find(run, preview.Arm) is { } arm && preview.Numeric() is { } rows)
                {
                    sampleCharts.Add((arm, rows));
                }
            }
        }
        if (valueCharts.Count == 0 && sampleCharts.Count == 0)
        {
            return;
        }
        page.Section("distributions", "Distributions by generation",
            "How the distribution itself changes, at a few generations (0, 1, 2, 5, 10, 20, … up to the last), from the first replicate that recorded them; " +
            $"where a metric records at most {SampleTables.FewValues} values a generation (e.g. one per mixture component), each is followed across generations instead. " +
            "Collapse shows as the spread narrowing and the tails disappearing, or as mass moving to values that real data rarely has.");
        foreach (var name in valueCharts.Select(v => v.Name).Distinct())
        {
            var mine = valueCharts.Where(v => v.Name == name).ToList();
            page.Heading(mine.All(v => v.Series.Trajectory) ? $"{name}, by generation" : $"Per-sample {name}");
            page.OpenGrid();
            foreach (var (_, arm, series) in mine)
            {
                if (series.Trajectory)
                {
                    page.Chart($"{name} {arm.Label}", ChartSpecs.Trajectory($"{arm.Label}: {name} by generation", name, series, arm.Run.LastGeneration));
                    continue;
                }
                var groups = series.ByGeneration.Select(kv => (Label(kv.Key), kv.Value)).ToList();
                var (histograms, log) = Histograms.Build(groups);
                page.Chart($"{name} {arm.Label}", ChartSpecs.Histograms($"{arm.Label}: per-sample {name}", name, histograms, log, Notes(histograms)));
            }
            page.CloseGrid();
        }
        if (sampleCharts.Count > 0)
        {
            page.Heading("Samples");
            page.OpenGrid();
            foreach (var (arm, rows) in sampleCharts)
            {
                var dim = rows.Values.SelectMany(r => r).First().Length;
                if (dim == 1)
                {
                    var groups = rows.Select(kv => (Label(kv.Key), kv.Value.Select(r => r[0]).ToArray())).ToList();
                    var (histograms, log) = Histograms.Build(groups);
                    page.Chart($"samples {arm.Label}", ChartSpecs.Histograms($"{arm.Label}: samples", "sample value", histograms, log, Notes(histograms)));
                }
                else
                {
                    var points = rows.SelectMany(kv => kv.Value.Select(r => (Label(kv.Key), r))).ToList();
                    page.Chart($"samples {arm.Label}", ChartSpecs.Scatter($"{arm.Label}: samples", points, dim, arm.Colour));
                }
            }
            page.CloseGrid();
        }
    }

    private static string Label(int generation) => $"gen {generation.ToString(CultureInfo.InvariantCulture)}";

    private static List<string> Notes(List<Histogram> histograms)
    {
        var parts = new List<string>();
        foreach (var h in histograms.Where(h => h.PositiveInfinite + h.NegativeInfinite > 0))
        {
            var counts = new List<string>();
            if (h.PositiveInfinite > 0)
            {
                counts.Add($"{h.PositiveInfinite} +∞");
            }
            if (h.NegativeInfinite > 0)
            {
                counts.Add($"{h.NegativeInfinite} −∞");
            }
            parts.Add($"{h.Group}: {string.Join(", ", counts)} of {h.Total}");
        }
        return parts.Count == 0 ? [] : [$"not binned (infinite; shares are of all values): {string.Join("; ", parts)}"];
    }
}
