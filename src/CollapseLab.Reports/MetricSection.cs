namespace CollapseLab.Reports;

/// <summary>Every metric by generation, one chart each, all arms overlaid.</summary>
public static class MetricSection
{
    public static void Write(HtmlWriter page, ReportContext context, List<CollapseOnset> onsets)
    {
        var last = context.LastGeneration;
        var stride = Math.Max(1, (int)Math.Ceiling((last + 1) / (double)GenerationPicks.SeriesPoints));
        page.Section("metrics", "Metrics by generation",
            "Each chart shows one metric for every arm: the line is the mean across replicates (the median where some replicates are ±∞), " +
            "the band holds the middle 95% of replicates, and dashed lines are closed-form theory where it exists. " +
            "Axes switch to a log scale when values span decades. Hover for exact values." +
            (stride > 1 ? $" With {last + 1} generations, every {stride}th generation is drawn (plus each collapse onset)." : ""));
        page.OpenGrid();
        foreach (var metric in context.Metrics())
        {
            var keep = onsets.Where(o => o.Metric == metric.Name && o.Generation is not null).Select(o => o.Generation!.Value).ToList();
            var generations = GenerationPicks.Series(last, keep: keep).ToHashSet();
            var series = context.Arms
                .Select(a => (a.Label, a.Run.Summary.Where(r => r.Arm == a.Arm.Name && r.Metric == metric.Name && generations.Contains(r.Generation)).ToList()))
                .Where(s => s.Item2.Count > 0)
                .ToList();
            page.Chart(metric.Name, ChartSpecs.Metric(metric, series, context.ArmLabels, last));
        }
        page.CloseGrid();
    }
}
