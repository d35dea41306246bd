using System.Globalization;
using System.Text;
using CollapseLab.Dashboard.Live;
using CollapseLab.Reports;

namespace CollapseLab.Dashboard.Server;

/// <summary>
/// The dashboard's HTML. Every piece of run data (ids, names, descriptions) goes through <see cref="Escaping.Html"/>;
/// the run page is a shell that dashboard.js fills from the run's event stream, setting text, never markup.
/// </summary>
internal static class Pages
{
    public static string Index(RunsDirectory runs)
    {
        var rows = new StringBuilder();
        foreach (var s in runs.Runs())
        {
            var percent = s.Total == 0 ? 0 : 100.0 * s.Done / s.Total;
            rows.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"{Link("run", s.Id)}\">{Escaping.Html(s.Id)}</a></td><td>{Escaping.Html(s.Outline.Name)}</td>" +
                $"<td class=\"status {Escaping.Html(s.Status)}\">{Escaping.Html(s.Status)}</td><td><progress max=\"100\" value=\"{percent:F1}\"></progress> {percent:F0}%</td>" +
                $"<td>{s.Outline.Arms.Count} × {s.Outline.Replicates} × {s.Outline.Generations + 1}</td><td>{s.Alarms.Count}</td>" +
                $"<td>{Escaping.Html(s.Started?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))}</td></tr>\n");
        }
        var body = rows.Length == 0
            ? $"<p>No runs in {Escaping.Html(runs.Root)} yet. Start one with <code>collapse run SPEC --runs {Escaping.Html(runs.Root)}</code>; reload this page to see it.</p>"
            : "<table class=\"runs\"><thead><tr><th>run</th><th>name</th><th>status</th><th>progress</th><th>arms × replicates × generations</th><th>alarms</th><th>started</th></tr></thead>\n<tbody>\n"
              + rows + "</tbody></table>";
        return Page("CollapseLab runs", $"<header><h1>Runs</h1><p class=\"sub\">{Escaping.Html(runs.Root)}</p></header>\n<main>{body}</main>", script: false);
    }

    public static string Run(LiveRun run)
    {
        var o = run.Outline;
        var html = $"""
            <header><p class="crumbs"><a href="/">runs</a> / {Escaping.Html(run.Folder.Id)}</p>
            <h1 id="title">{Escaping.Html(o.Name)}</h1><p class="sub" id="description">{Escaping.Html(o.Description)}</p>
            <p class="links"><a href="{Link("files", run.Folder.Id)}/">files</a> · <a id="report" href="{Link("files", run.Folder.Id)}/report.html" hidden>report</a></p></header>
            <main id="run" data-run="{Escaping.Html(run.Folder.Id)}">
            <section><h2>Progress</h2><p><span id="status" class="status"></span> <progress id="progress" max="1" value="0"></progress> <span id="progress-text"></span></p>
            <p id="connection" class="muted">connecting…</p></section>
            <section><h2>Newest generation per arm</h2><div id="latest"></div></section>
            <section><h2>Alarms</h2><div id="alarms"><p class="muted">No alarms.csv in this run (yet).</p></div></section>
            <section><h2>Metrics by generation</h2><p class="muted" id="charts-note">Lines: mean over the replicates that have reached each generation; band: middle 95% of them.</p><div id="charts" class="grid"></div></section>
            </main>
            """;
        return Page($"{o.Name}: live", html, script: true);
    }

    public static string Listing(RunsDirectory runs, string folder)
    {
        var relative = Path.GetRelativePath(runs.Root, folder).Replace('\\', '/');
        var prefix = relative == "." ? "" : relative + "/";
        var items = new StringBuilder();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var slash = entry is DirectoryInfo ? "/" : "";
            items.Append($"<li><a href=\"{Link("files", prefix + entry.Name)}{slash}\">{Escaping.Html(entry.Name)}{slash}</a></li>\n");
        }
        return Page(relative, $"<header><h1>{Escaping.Html(relative)}</h1></header><main><ul>{items}</ul></main>", script: false, styled: false);
    }

    /// <summary>An absolute link to /<paramref name="area"/>/PATH with each segment URL-encoded, escaped for an attribute.</summary>
    private static string Link(string area, string path) =>
        Escaping.Html($"/{area}/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString)));

    private static string Page(string title, string body, bool script, bool styled = true)
    {
        var scripts = script
            ? string.Concat(VegaLibraries.Files.Append("dashboard.js").Select(f => $"<script src=\"/static/{f}\"></script>\n"))
            : "";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Escaping.Html(title)}</title>
            {(styled ? "<link rel=\"stylesheet\" href=\"/static/dashboard.css\">" : "")}
            </head>
            <body>
            {body}
            {scripts}</body>
            </html>

            """;
    }
}
