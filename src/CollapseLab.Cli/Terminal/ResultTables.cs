using CollapseLab.Storage;
using CollapseLab.Summaries;
using Spectre.Console;

namespace CollapseLab.Cli.Terminal;

/// <summary>The tables printed at the end of a run.</summary>
internal static class ResultTables
{
    public static void Render(IAnsiConsole console, RunSummary summary)
    {
        var spec = summary.Spec;
        var last = spec.Generations;
        var final = new Table().Title($"[bold]Generation {last}[/] (mean ± 95% interval over {spec.Replicates} replicates; theory in brackets)");
        final.AddColumn("metric");
        foreach (var arm in spec.Arms)
        {
            final.AddColumn(new TableColumn(Markup.Escape(arm.Name)).RightAligned());
        }
        for (var m = 0; m < spec.Metrics.Count; m++)
        {
            var cells = new List<string> { spec.Metrics[m].Name };
            foreach (var arm in spec.Arms)
            {
                cells.Add(Markup.Escape(Cell(summary.Stats[arm.Index, last, m])));
            }
            final.AddRow(cells.ToArray());
        }
        var collapsed = new List<string> { "chains collapsed" };
        foreach (var arm in spec.Arms)
        {
            var (chains, onset) = summary.Collapsed[arm.Index];
            collapsed.Add(chains == 0 ? "0" : $"{chains}/{spec.Replicates} (median gen {onset})");
        }
        final.AddRow(collapsed.ToArray());
        console.Write(final);

        var key = spec.Metrics[0];
        var trajectory = new Table().Title($"[bold]{Markup.Escape(key.Name)}[/] by generation: {Markup.Escape(key.Description)}");
        trajectory.AddColumn("generation");
        foreach (var arm in spec.Arms)
        {
            trajectory.AddColumn(new TableColumn(Markup.Escape(arm.Name)).RightAligned());
        }
        foreach (var g in Checkpoints(last))
        {
            var cells = new List<string> { g.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            cells.AddRange(spec.Arms.Select(a => Markup.Escape(Cell(summary.Stats[a.Index, g, 0]))));
            trajectory.AddRow(cells.ToArray());
        }
        console.Write(trajectory);
    }

    public static string Cell(Statistic s)
    {
        var text = double.IsNaN(s.Mean) ? Numbers.Short(s.Median) + " (median)" : Numbers.Short(s.Mean);
        // An interval at rounding level (identical values whose mean is inexact) says nothing: leave it out.
        if (!double.IsNaN(s.CiHigh) && s.CiHigh - s.Mean > 1e-12 * Math.Abs(s.Mean))
        {
            text += " ± " + Numbers.Short(s.CiHigh - s.Mean);
        }
        if (s.Finite < s.Count)
        {
            text += $" [{s.Count - s.Finite} non-finite]";
        }
        if (s.Theory is { } t)
        {
            text += $" [{Numbers.Short(t)}]";
        }
        return text;
    }

    /// <summary>About six generations spread over 0 … last.</summary>
    public static IEnumerable<int> Checkpoints(int last) =>
        new[] { 0, 1, last / 10, last / 4, last / 2, 3 * last / 4, last }.Where(g => g <= last).Distinct().Order();
}
