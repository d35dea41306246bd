using System.Globalization;
using CollapseLab.Dashboard.Live;
using CollapseLab.Storage;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CollapseLab.Cli.Terminal;

/// <summary>One frame of `collapse watch`: status, progress and ETA, each arm's newest generation, the latest alarms.</summary>
internal static class WatchView
{
    public static IRenderable Render(RunSnapshot s, IReadOnlyList<string> metrics, int alarmRows)
    {
        var rows = new List<IRenderable>();
        var o = s.Outline;
        rows.Add(new Markup($"[bold]{TerminalText.Markup(o.Name)}[/] · run {TerminalText.Markup(s.Id)} · [bold]{TerminalText.Markup(s.Status)}[/]"));
        if (o.Description.Length > 0)
        {
            rows.Add(new Markup($"[grey]{TerminalText.Markup(o.Description)}[/]"));
        }
        var fraction = s.Total == 0 ? 0 : (double)s.Done / s.Total;
        var bar = new string('█', (int)Math.Round(fraction * 40)).PadRight(40, '░');
        var progress = string.Create(CultureInfo.InvariantCulture, $"{bar} {s.Done}/{s.Total} generations ({fraction:P1})");
        if (s.Status == "running")
        {
            progress += $" · ETA {Duration(s.SecondsLeft)}";
            if (s.SecondsSinceUpdate > 300)
            {
                progress += $" · no progress for {Duration(s.SecondsSinceUpdate)}";
            }
        }
        rows.Add(new Text(progress));

        var indices = metrics.Select(m => o.Metrics.ToList().FindIndex(x => x.Name == m)).Where(i => i >= 0).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("arm", "generation", "replicates there", "chains done");
        foreach (var i in indices)
        {
            table.AddColumn(new TableColumn(TerminalText.Markup(o.Metrics[i].Name)).RightAligned());
        }
        foreach (var arm in s.Latest)
        {
            var cells = new List<string>
            {
                TerminalText.Markup(arm.Arm), arm.Generation < 0 ? "–" : $"{arm.Generation}/{o.Generations}",
                $"{arm.Replicates}", $"{arm.ChainsDone}/{o.Replicates}",
            };
            cells.AddRange(indices.Select(i => Numbers.Short(arm.Means[i])));
            table.AddRow(cells.ToArray());
        }
        rows.Add(table);

        if (s.Alarms.Count == 0)
        {
            rows.Add(new Markup("[grey]no alarms[/]"));
        }
        else
        {
            var alarms = new Table().Border(TableBorder.Simple).Title($"alarms: {s.Alarms.Count}{(s.Alarms.Count > alarmRows ? $" (latest {alarmRows})" : "")}")
                .AddColumns("arm", "replicate", "generation", "signal", "rule", "value", "threshold", "action");
            foreach (var a in s.Alarms.Skip(Math.Max(0, s.Alarms.Count - alarmRows)))
            {
                alarms.AddRow(TerminalText.Markup(a.Arm), $"{a.Replicate}", $"{a.Generation}", TerminalText.Markup(a.Signal), TerminalText.Markup(a.Rule),
                    Numbers.Short(a.Value), Numbers.Short(a.Threshold), TerminalText.Markup(a.Action));
            }
            rows.Add(alarms);
        }
        return new Rows(rows);
    }

    private static string Duration(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "unknown";
        }
        var t = TimeSpan.FromSeconds(Math.Round(s));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : t.TotalMinutes >= 1 ? $"{t.Minutes} min {t.Seconds} s" : $"{t.Seconds} s";
    }
}
