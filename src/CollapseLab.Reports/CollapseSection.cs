using System.Globalization;
using System.Text;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>The report's first section: for each arm and metric, whether and when it left the real data's interval.</summary>
public static class CollapseSection
{
    public static List<CollapseOnset> Write(HtmlWriter page, ReportContext context)
    {
        page.Section("collapse", "What collapsed, and when",
            "A metric <b>leaves the real data's interval</b> at the first generation g ≥ 1 whose median across replicates lies " +
            "outside generation 0's range [2.5%, 97.5%] across replicates: the spread that model₀, trained on real data only, shows " +
            "from one replicate to the next. The share after the onset tells a lasting departure from a brief one.");
        var onsets = new List<CollapseOnset>();
        var metrics = context.Metrics();
        var sb = new StringBuilder("<table class=\"onsets\"><thead><tr><th>metric</th>");
        foreach (var arm in context.Arms)
        {
            sb.Append($"<th>{context.Swatch(arm)}</th>");
        }
        sb.Append("</tr></thead><tbody>");
        var cells = new Dictionary<(ReportArm, string), CollapseOnset>();
        foreach (var arm in context.Arms)
        {
            foreach (var group in arm.Run.Summary.Where(r => r.Arm == arm.Arm.Name).GroupBy(r => r.Metric))
            {
                var onset = CollapseOnset.Find(arm.Label, group.Key, group.ToList());
                cells[(arm, group.Key)] = onset;
                onsets.Add(onset);
            }
        }
        foreach (var metric in metrics)
        {
            sb.Append($"<tr><td title=\"{Escaping.Html(metric.Description)}\">{Escaping.Html(metric.Name)}</td>");
            foreach (var arm in context.Arms)
            {
                sb.Append(cells.TryGetValue((arm, metric.Name), out var onset) ? Cell(onset) : "<td>–</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        page.AppendTrustedHtml(sb.ToString());
        page.AppendTrustedHtml(Sentences(context, cells));
        MonitorSection.Write(page, context);
        return onsets;
    }

    private static string Cell(CollapseOnset o) => o.Direction switch
    {
        Departure.Within => $"<td class=\"within\" title=\"{Escaping.Html(Range(o))}\">stays within</td>",
        Departure.Unknown => "<td>no values at generation 0</td>",
        _ => $"<td class=\"out-{(o.Direction == Departure.Above ? "above" : "below")}\" title=\"{Escaping.Html(Range(o))}\">" +
             $"generation {o.Generation} {(o.Direction == Departure.Above ? "↑ above" : "↓ below")}" +
             $"<br><small>{o.ShareOutside.ToString("0%", CultureInfo.InvariantCulture)} of later generations outside; last median {Escaping.Html(Numbers.Short(o.LastMedian))}</small></td>",
    };

    private static string Range(CollapseOnset o) => $"generation 0 range: {Numbers.Short(o.Low)} … {Numbers.Short(o.High)}";

    private static string Sentences(ReportContext context, Dictionary<(ReportArm, string), CollapseOnset> cells)
    {
        var sb = new StringBuilder("<ul class=\"verdicts\">");
        foreach (var arm in context.Arms)
        {
            var left = cells.Where(c => c.Key.Item1 == arm && c.Value.Generation is not null && c.Value.ShareOutside >= 0.5)
                .Select(c => c.Value).OrderBy(o => o.Generation).ToList();
            var what = left.Count == 0
                ? "every metric stays within (or returns to) the real data's interval"
                : $"{left.Count} metric(s) leave the real data's interval for good, first {string.Join(", ", left.Take(4).Select(o => $"{Escaping.Html(o.Metric)} at generation {o.Generation}"))}{(left.Count > 4 ? $" and {left.Count - 4} more" : "")}";
            var a = arm.Arm;
            var chains = a.CollapsedChains > 0
                ? $"; {a.CollapsedChains} of {arm.Run.Replicates} chains degenerated (no spread left), at median generation {Escaping.Html(Numbers.Short(a.MedianCollapseGeneration))}"
                : "";
            sb.Append($"<li>{context.Swatch(arm)}{(a.Policy.Length > 0 ? $" ({Escaping.Html(a.Policy)})" : "")}: {what}{chains}.</li>");
        }
        sb.Append("</ul>");
        return sb.ToString();
    }
}
