using System.Globalization;
using System.Text;
using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>How each run was made: arms, seed, versions, timings, machine, and the resolved spec that reruns it.</summary>
public static class RunDetailsSection
{
    public static void Write(HtmlWriter page, ReportContext context)
    {
        page.Section("run", context.Compare ? "The runs" : "The run",
            "Everything needed to reproduce the results: the resolved spec fills in every default and the seed (rerun it with <code>collapse run spec.yaml</code>).");
        foreach (var run in context.Runs)
        {
            if (context.Compare)
            {
                page.Heading(run.Id);
            }
            var info = run.Info;
            var rows = new List<(string, string)>
            {
                ("run", run.Id),
                ("name", run.Name),
                ("description", run.Description),
                ("status", info?.Status ?? "unknown"),
                ("seed", run.Seed.ToString(CultureInfo.InvariantCulture)),
                ("generations", $"0 … {run.LastGeneration.ToString(CultureInfo.InvariantCulture)}"),
                ("replicates", run.Replicates.ToString(CultureInfo.InvariantCulture)),
                ("read from", run.IndexNote ?? ""),
            };
            if (info is not null)
            {
                rows.Add(("started (UTC)", info.Started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
                if (info.Finished is { } finished)
                {
                    rows.Add(("finished (UTC)", finished.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
                }
                rows.Add(("compute time", $"{info.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s on {info.Threads.ToString(CultureInfo.InvariantCulture)} thread(s)"));
                if (info.CurationSeconds is { Count: > 0 } curation)
                {
                    rows.Add(("curation time", string.Join("; ", curation.Select(c => $"{c.Key} {c.Value.ToString("0.00", CultureInfo.InvariantCulture)} s"))));
                }
                rows.Add(("CollapseLab", info.Version));
                rows.Add(("runtime", info.Runtime));
                rows.Add(("machine", info.Machine));
                rows.Add(("per-replicate metrics", info.MetricsFile ?? "metrics.csv"));
            }
            var sb = new StringBuilder("<table class=\"facts\"><tbody>");
            foreach (var (key, value) in rows.Where(r => r.Item2.Length > 0))
            {
                sb.Append($"<tr><th>{Escaping.Html(key)}</th><td>{Escaping.Html(value)}</td></tr>");
            }
            sb.Append("</tbody></table>");
            sb.Append("<table class=\"arms\"><thead><tr><th>arm</th><th>family</th><th>policy</th><th>data</th><th>samples per generation</th></tr></thead><tbody>");
            foreach (var arm in run.Arms)
            {
                var shown = context.Find(run, arm.Name);
                sb.Append($"<tr><td>{(shown is null ? Escaping.Html(arm.Name) : context.Swatch(shown))}</td><td>{Escaping.Html(arm.Family)}</td><td>{Escaping.Html(arm.Policy)}</td>" +
                    $"<td>{Escaping.Html(arm.Data)}</td><td class=\"num\">{(arm.SamplesPerGeneration > 0 ? arm.SamplesPerGeneration.ToString(CultureInfo.InvariantCulture) : "")}</td></tr>");
            }
            sb.Append("</tbody></table>");
            sb.Append($"<details><summary>Resolved spec ({Escaping.Html(RunFolder.SpecFile)})</summary><pre>{Escaping.Html(run.SpecYaml)}</pre></details>");
            page.AppendTrustedHtml(sb.ToString());
        }
    }
}
