namespace CollapseLab.Reports;

/// <summary>One arm as the report shows it: its run, its label (prefixed by the run id in a comparison) and colour.</summary>
public sealed record ReportArm(RunRecord Run, ArmInfo Arm, string Label, string Colour);

/// <summary>The runs a report covers and the arms in the order (and colours) every chart uses.</summary>
public sealed class ReportContext
{
    public ReportContext(IReadOnlyList<RunRecord> runs, bool compare)
    {
        Runs = runs;
        Compare = compare;
        var arms = new List<ReportArm>();
        foreach (var run in runs)
        {
            foreach (var arm in run.Arms)
            {
                var label = compare ? $"{run.Id}/{arm.Name}" : arm.Name;
                arms.Add(new ReportArm(run, arm, label, ChartSpecs.ArmColours[arms.Count % ChartSpecs.ArmColours.Length]));
            }
        }
        Arms = arms;
        LastGeneration = runs.Max(r => r.LastGeneration);
    }

    public IReadOnlyList<RunRecord> Runs { get; }

    public bool Compare { get; }

    public IReadOnlyList<ReportArm> Arms { get; }

    public int LastGeneration { get; }

    public IReadOnlyList<string> ArmLabels => Arms.Select(a => a.Label).ToList();

    /// <summary>Metric names in first-seen order across runs, with the first description found.</summary>
    public List<MetricInfo> Metrics() =>
        Runs.SelectMany(r => r.Metrics).GroupBy(m => m.Name)
            .Select(g => g.FirstOrDefault(m => m.Description.Length > 0) ?? g.First()).ToList();

    public ReportArm? Find(RunRecord run, string arm) => Arms.FirstOrDefault(a => a.Run == run && a.Arm.Name == arm);

    public string Swatch(ReportArm arm) =>
        $"<span class=\"swatch\" style=\"background:{arm.Colour}\"></span>{Escaping.Html(arm.Label)}";
}
