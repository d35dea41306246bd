using System.Globalization;
using System.Text;
using CollapseLab.Monitoring;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>
/// The collapse section's account of a monitored run, read from its files: how good each signal is
/// (signal_quality.csv), the thresholds calibrated on the null arm (calibration.json), and the alarms and
/// interventions (alarms.csv). Every field from a file is escaped: arm names come from the spec.
/// </summary>
public static class MonitorSection
{
    /// <summary>Alarm rows listed per arm; the rest are counted (alarms.csv holds them all).</summary>
    private const int ListedAlarms = 12;

    public static void Write(HtmlWriter page, ReportContext context)
    {
        foreach (var run in context.Runs)
        {
            var quality = run.Folder.File(MonitorExport.QualityFile);
            if (!File.Exists(quality))
            {
                continue;
            }
            page.Heading(context.Compare ? $"Early warnings: {run.Id}" : "Early warnings");
            page.AppendTrustedHtml(
                "<p>Each (signal, rule) alarms at the first generation its statistic exceeds a threshold calibrated on the null arm's own " +
                "calibration chains (replicates no arm below shares), so that a share <i>target</i> of null chains alarm at some generation. " +
                "On the null arm the alarm rate is the false-alarm rate achieved (± its standard error). The <b>onset</b> of a chain is the first " +
                "generation its ground-truth metric leaves generation 0's [2.5%, 97.5%] range across the arm's replicates; <b>lead</b> = onset − " +
                "alarm in generations (positive: the warning came first), mean with its 95% interval over chains that had both; <b>missed</b> " +
                "counts onsets with no alarm at all. <i>any</i> is the chain's first alarm of every signal and rule, the one that triggers the arm's action.</p>");
            page.AppendTrustedHtml(QualityTable(CsvRecords.Read(quality).ToList()));
            if (Calibration.Load(run.Folder) is { } calibration)
            {
                page.AppendTrustedHtml(ThresholdTable(calibration));
            }
            var alarms = run.Folder.File(MonitorExport.AlarmsFile);
            if (File.Exists(alarms))
            {
                page.AppendTrustedHtml(AlarmTable(CsvRecords.Read(alarms).ToList()));
            }
        }
    }

    private static string QualityTable(List<string[]> rows)
    {
        var sb = new StringBuilder("<table class=\"signals\"><thead><tr><th>arm</th><th>signal</th><th>rule</th><th>alarm rate (target)</th>" +
            "<th>onsets</th><th>warned first</th><th>missed</th><th>lead, mean [95%]</th><th>lead, median</th></tr></thead><tbody>");
        foreach (var f in rows.Where(f => f.Length >= 17))
        {
            var isNull = f[1] == "null";
            var rate = $"{Percent(f[7])} ± {Percent(f[8])} ({Percent(f[4])}){(isNull ? " <b>false alarms</b>" : "")}";
            var lead = f[12] == "0" ? "–" : $"{Short(f[13])} [{Short(f[14])}, {Short(f[15])}] (n={Escaping.Html(f[12])})";
            sb.Append($"<tr><td>{Escaping.Html(f[0])}{(isNull ? " (null)" : "")}</td><td>{Escaping.Html(f[2])}</td><td>{Escaping.Html(f[3])}</td>" +
                $"<td>{rate}</td><td>{Escaping.Html(f[9])} of {Escaping.Html(f[5])}</td><td>{Escaping.Html(f[10])}</td><td>{Escaping.Html(f[11])}</td>" +
                $"<td>{lead}</td><td>{Short(f[16])}</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    private static string ThresholdTable(Calibration calibration)
    {
        var sb = new StringBuilder("<table class=\"thresholds\"><thead><tr><th>null arm</th><th>signal</th><th>trouble</th><th>rule</th>" +
            "<th>threshold</th><th>scale σ</th><th>calibration chains</th><th>target</th><th>on calibration</th></tr></thead><tbody>");
        foreach (var t in calibration.Thresholds)
        {
            sb.Append($"<tr><td>{Escaping.Html(t.NullArm)}</td><td>{Escaping.Html(t.Signal)}</td><td>{Escaping.Html(t.Trouble)}</td><td>{Escaping.Html(t.Rule)}</td>" +
                $"<td>{Escaping.Html(Numbers.Short(t.Value))}</td><td>{Escaping.Html(Numbers.Short(t.Scale))}</td><td>{t.Replicates}</td>" +
                $"<td>{t.Far.ToString("0.##%", CultureInfo.InvariantCulture)}</td><td>{t.CalibrationFar.ToString("0.##%", CultureInfo.InvariantCulture)}</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    private static string AlarmTable(List<string[]> rows)
    {
        var sb = new StringBuilder("<table class=\"alarms\"><thead><tr><th>arm</th><th>replicate</th><th>generation</th><th>signal</th><th>rule</th>" +
            "<th>statistic</th><th>threshold</th><th>action</th></tr></thead><tbody>");
        var hidden = 0;
        foreach (var arm in rows.Where(f => f.Length >= 8).GroupBy(f => f[0]))
        {
            // Interventions first: they are what changed the chain.
            var ordered = arm.OrderBy(f => f[7] == MonitorAction.Mark ? 1 : 0).ToList();
            foreach (var f in ordered.Take(ListedAlarms))
            {
                sb.Append($"<tr><td>{Escaping.Html(f[0])}</td><td>{Escaping.Html(f[1])}</td><td>{Escaping.Html(f[2])}</td><td>{Escaping.Html(f[3])}</td>" +
                    $"<td>{Escaping.Html(f[4])}</td><td>{Short(f[5])}</td><td>{Short(f[6])}</td><td>{Escaping.Html(f[7])}</td></tr>");
            }
            hidden += Math.Max(0, ordered.Count - ListedAlarms);
            var actions = string.Join(", ", arm.GroupBy(f => f[7]).Select(g => $"{g.Key} × {g.Count()}"));
            sb.Append($"<tr class=\"total\"><td colspan=\"8\">{Escaping.Html(arm.Key)}: {Escaping.Html(actions)}</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (hidden > 0)
        {
            sb.Append($"<p>{hidden} more alarm(s) are in {MonitorExport.AlarmsFile}.</p>");
        }
        return sb.ToString();
    }

    private static string Percent(string text) => Escaping.Html(Numbers.Parse(text) is var x && double.IsNaN(x) ? "–" : x.ToString("0.#%", CultureInfo.InvariantCulture));

    private static string Short(string text) => Escaping.Html(Numbers.Short(Numbers.Parse(text)));
}
