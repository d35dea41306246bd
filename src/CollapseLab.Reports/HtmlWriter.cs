using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CollapseLab.Reports;

/// <summary>
/// Assembles one self-contained page: styles, the embedded Vega libraries, chart specs as JSON data, and the
/// sections' HTML. A Content-Security-Policy allows only this page's own scripts (by nonce) and no network at all,
/// so even a sample that slipped past escaping could neither run nor fetch anything.
/// </summary>
public sealed class HtmlWriter
{
    private readonly StringBuilder _body = new();
    private readonly JsonObject _charts = [];
    private readonly List<(string Id, string Title)> _sections = [];

    public int ChartCount => _charts.Count;

    public void Section(string id, string title, string? introHtml = null)
    {
        if (_sections.Count > 0)
        {
            _body.Append("</section>\n");
        }
        _sections.Add((id, title));
        _body.Append($"<section id=\"{id}\"><h2>{Escaping.Html(title)}</h2>\n");
        if (introHtml is not null)
        {
            _body.Append($"<p class=\"intro\">{introHtml}</p>\n");
        }
    }

    /// <summary>Appends markup the caller built and vouches for: every piece of run data in it must already be escaped.</summary>
    public void AppendTrustedHtml(string html) => _body.Append(html).Append('\n');

    public void Heading(string text) => _body.Append($"<h3>{Escaping.Html(text)}</h3>\n");

    public void Paragraph(string text) => _body.Append($"<p>{Escaping.Html(text)}</p>\n");

    public void OpenGrid(bool wide = false) => _body.Append(wide ? "<div class=\"grid wide\">\n" : "<div class=\"grid\">\n");

    public void CloseGrid() => _body.Append("</div>\n");

    /// <summary>An empty chart container; the page script draws <paramref name="spec"/> into it.</summary>
    public void Chart(string name, JsonObject spec)
    {
        var id = $"chart-{_charts.Count + 1}";
        _charts[id] = new JsonObject { ["name"] = Slug(name), ["spec"] = spec };
        _body.Append($"<div class=\"chart\" id=\"{id}\" role=\"img\" aria-label=\"{Escaping.Html(name)}\"></div>\n");
    }

    public string Page(string title, string subtitleHtml)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var page = new StringBuilder(1 << 20);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'nonce-{nonce}' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append($"<title>{Escaping.Html(title)}</title>\n<style>{Styles}</style>\n</head>\n<body>\n");
        page.Append($"<header><h1>{Escaping.Html(title)}</h1><p class=\"sub\">{subtitleHtml}</p>\n<nav>");
        page.Append(string.Join(" · ", _sections.Select(s => $"<a href=\"#{s.Id}\">{Escaping.Html(s.Title)}</a>")));
        page.Append("</nav></header>\n<main>\n");
        page.Append(_body);
        if (_sections.Count > 0)
        {
            page.Append("</section>\n");
        }
        page.Append("</main>\n<footer>Written by CollapseLab ");
        page.Append(Escaping.Html(typeof(HtmlWriter).Assembly.GetName().Version?.ToString()));
        page.Append(". Charts: <span id=\"chart-libraries\"></span>, embedded; this file needs no network. Each chart's ⋯ menu saves it as PNG or SVG.</footer>\n");
        page.Append("<script type=\"application/json\" id=\"chart-specs\">").Append(Escaping.ScriptJson(_charts)).Append("</script>\n");
        foreach (var library in VegaLibraries.Scripts)
        {
            page.Append($"<script nonce=\"{nonce}\">").Append(library).Append("</script>\n");
        }
        page.Append($"<script nonce=\"{nonce}\">").Append(DrawScript).Append("</script>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static string Slug(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());

    // Draws the charts on the first screen at once, then the rest one by one (those scrolled to first), yielding to
    // the browser between charts so the page stays responsive. Records on <body> when the first screen and when all
    // charts were drawn (ms since navigation started), and how many failed (the browser test reads these).
    private const string DrawScript = """
        (function () {
          var charts = JSON.parse(document.getElementById('chart-specs').textContent);
          var ids = Object.keys(charts), jobs = {}, drawn = 0, failed = 0, left = ids.length;
          var body = document.body;
          document.getElementById('chart-libraries').textContent =
            'Vega ' + vega.version + ', Vega-Lite ' + vegaLite.version + ', vega-embed ' + vegaEmbed.version;
          function finish() {
            body.setAttribute('data-charts-drawn', String(drawn));
            body.setAttribute('data-charts-failed', String(failed));
            body.setAttribute('data-draw-ms', String(Math.round(performance.now())));
            body.setAttribute('data-ready', 'true');
          }
          function draw(id) {
            if (jobs[id]) return jobs[id];
            var options = {
              mode: 'vega-lite', renderer: 'canvas', downloadFileName: charts[id].name,
              actions: { export: true, source: false, compiled: false, editor: false }
            };
            jobs[id] = vegaEmbed('#' + id, charts[id].spec, options).then(function () { drawn++; }, function (error) {
              failed++;
              console.error('chart ' + id + ' could not be drawn: ' + error);
              document.getElementById(id).textContent = 'This chart could not be drawn: ' + error;
            }).then(function () { if (--left === 0) finish(); });
            return jobs[id];
          }
          function onScreen(id) {
            var box = document.getElementById(id).getBoundingClientRect();
            return box.bottom > -200 && box.top < window.innerHeight + 200;
          }
          if (ids.length === 0) { finish(); }
          Promise.all(ids.filter(onScreen).map(draw)).then(function () {
            body.setAttribute('data-first-screen-ms', String(Math.round(performance.now())));
            var rest = ids.filter(function (id) { return !jobs[id]; });
            if ('IntersectionObserver' in window) {
              var watcher = new IntersectionObserver(function (entries) {
                entries.forEach(function (e) { if (e.isIntersecting) draw(e.target.id); });
              }, { rootMargin: '300px' });
              rest.forEach(function (id) { watcher.observe(document.getElementById(id)); });
            }
            (function next(i) {
              if (i < rest.length) draw(rest[i]).then(function () { setTimeout(function () { next(i + 1); }, 0); });
            })(0);
          });
        })();
        """;

    private const string Styles = """
        :root { color-scheme: light; --ink: #1d2329; --muted: #5b6670; --line: #e3e6ea; --accent: #4c78a8; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); background: #fafbfc; }
        header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 20px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 0 0 8px; padding-top: 8px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        .sub { color: var(--muted); margin: 0 0 8px; }
        nav a { color: var(--accent); text-decoration: none; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px 18px; margin: 16px 0; }
        .intro { color: var(--muted); margin-top: 0; max-width: 980px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 18px 22px; }
        .grid.wide { grid-template-columns: 1fr; }
        .chart { width: 100%; min-height: 120px; }
        .chart .vega-embed { width: 100%; }
        table { border-collapse: collapse; font-size: 13.5px; margin: 6px 0 10px; }
        th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #f3f5f7; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.out-above, td.out-below { background: #fdecea; }
        td.within { background: #eef7ee; }
        .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
        .scroll { overflow-x: auto; }
        .samples td { min-width: 240px; max-width: 460px; }
        .samples td.num { min-width: 0; width: 6em; }
        pre.sample { margin: 0 0 6px; padding: 6px 8px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px;
          white-space: pre-wrap; word-break: break-word; font: 12.5px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; }
        .cut { color: var(--muted); font-style: italic; }
        .gallery { display: flex; flex-wrap: wrap; gap: 14px; }
        .gallery figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
        .gallery img { display: block; max-width: 360px; image-rendering: pixelated; }
        .gallery figcaption { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
        details pre { background: #f6f8fa; padding: 10px; border-radius: 6px; overflow: auto; font-size: 12.5px; }
        footer { color: var(--muted); font-size: 12.5px; padding-bottom: 24px; }
        """;
}
