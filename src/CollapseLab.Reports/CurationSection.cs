using System.Globalization;
using System.Text;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>
/// Curation per arm: a funnel (mean items per generation after each step) and a table of what each step saw, kept
/// and changed at a few generations, averaged over replicates. Absent when no arm curates.
/// </summary>
public static class CurationSection
{
    private const int TableGenerations = 8;

    public static void Write(HtmlWriter page, ReportContext context)
    {
        var tables = new List<(ReportArm Arm, CurationTable Table)>();
        foreach (var run in context.Runs)
        {
            foreach (var table in CurationTable.Read(run.Folder))
            {
                if (context.Find(run, table.Arm) is { } arm && table.Cells.Count > 0)
                {
                    tables.Add((arm, table));
                }
            }
        }
        if (tables.Count == 0)
        {
            return;
        }
        page.Section("curation", "Curation",
            "What each curation step did to each generation's samples before they were reused, averaged over replicates: how many it " +
            "<b>saw</b> (what the steps before it kept), <b>kept</b>, and <b>changed</b> (moved or rewritten). The funnel shows the mean " +
            "per generation over the whole chain.");
        page.OpenGrid();
        foreach (var (arm, table) in tables)
        {
            page.Chart($"curation {arm.Label}", ChartSpecs.Funnel(arm.Label, table.Funnel(), arm.Colour));
        }
        page.CloseGrid();
        foreach (var (arm, table) in tables)
        {
            page.AppendTrustedHtml($"<h3>{context.Swatch(arm)}</h3>");
            page.AppendTrustedHtml(Table(table));
        }
    }

    private static string Table(CurationTable table)
    {
        var generations = GenerationPicks.Few(table.Cells.Select(c => c.Generation), TableGenerations);
        var cells = table.Cells.ToDictionary(c => (c.Step, c.Generation));
        var sb = new StringBuilder("<div class=\"scroll\"><table class=\"curation\"><thead><tr><th>step</th><th></th>");
        foreach (var g in generations)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<th>generation {g}</th>");
        }
        sb.Append("</tr></thead><tbody>");
        for (var s = 0; s < table.Steps.Count; s++)
        {
            foreach (var (what, value) in new (string, Func<CurationCell, double>)[] { ("seen", c => c.Seen), ("kept", c => c.Kept), ("changed", c => c.Changed) })
            {
                sb.Append(what == "seen" ? $"<tr><td rowspan=\"3\">{s + 1}. {Escaping.Html(table.Steps[s])}</td>" : "<tr>");
                sb.Append($"<td>{what}</td>");
                foreach (var g in generations)
                {
                    sb.Append(cells.TryGetValue((s, g), out var cell) ? $"<td class=\"num\">{Escaping.Html(Numbers.Short(value(cell)))}</td>" : "<td>–</td>");
                }
                sb.Append("</tr>");
            }
        }
        sb.Append("</tbody></table></div>");
        return sb.ToString();
    }
}
