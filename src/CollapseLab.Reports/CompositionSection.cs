namespace CollapseLab.Reports;

/// <summary>Training-set composition by origin, one stacked-area chart per arm.</summary>
public static class CompositionSection
{
    public static void Write(HtmlWriter page, ReportContext context)
    {
        var charts = new List<(ReportArm Arm, CompositionSeries Series)>();
        foreach (var run in context.Runs)
        {
            foreach (var series in CompositionSeries.Read(run.Folder, run.LastGeneration))
            {
                if (context.Find(run, series.Arm) is { } arm)
                {
                    charts.Add((arm, series));
                }
            }
        }
        if (charts.Count == 0)
        {
            return;
        }
        var grouped = charts.Any(c => c.Series.Groups.Count - 1 < c.Series.Generations[^1]);
        page.Section("composition", "Training-set composition",
            "What each generation's training set was made of, averaged over replicates: real data (green), or samples of earlier generations " +
            "(light = old, dark = recent)." + (grouped ? " With many generations, origins are grouped into bands of consecutive generations." : ""));
        page.OpenGrid();
        foreach (var (arm, series) in charts)
        {
            page.Chart($"composition {arm.Label}", ChartSpecs.Composition(arm.Label, series, arm.Run.LastGeneration));
        }
        page.CloseGrid();
    }
}
