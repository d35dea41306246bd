using System.Globalization;
using System.Text;

namespace CollapseLab.Reports;

/// <summary>
/// Sample galleries: text samples at a few generations (HTML-escaped: generated text is untrusted) and any
/// images a family wrote under images/ (PNG, JPEG, GIF or WebP, embedded as data: URIs).
/// </summary>
public static class GallerySection
{
    public const int TextGenerations = 6;
    public const int TextPerGeneration = 3;
    public const int ExcerptLength = 300;
    public const long ImageBudget = 3_000_000;

    private static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp",
    };

    public static void Write(HtmlWriter page, ReportContext context)
    {
        var texts = new List<(ReportArm Arm, SamplePreview Preview)>();
        var images = new List<(RunRecord Run, string Path)>();
        foreach (var run in context.Runs)
        {
            foreach (var preview in SampleTables.Previews(run.Folder, TextGenerations, TextPerGeneration))
            {
                if (context.Find(run, preview.Arm) is { } arm && preview.Numeric() is null)
                {
                    texts.Add((arm, preview));
                }
            }
            var folder = run.Folder.File("images");
            if (Directory.Exists(folder))
            {
                images.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                    .Where(p => ImageTypes.ContainsKey(Path.GetExtension(p)))
                    .OrderBy(p => NaturalKey(Path.GetRelativePath(folder, p)), StringComparer.Ordinal)
                    .Select(p => (run, p)));
            }
        }
        if (texts.Count == 0 && images.Count == 0)
        {
            return;
        }
        page.Section("samples", "Samples",
            "What the models generated, at a few generations (first replicate). Text is shown exactly as generated, as plain text.");
        if (texts.Count > 0)
        {
            page.AppendTrustedHtml(TextTable(context, texts));
        }
        if (images.Count > 0)
        {
            WriteImages(page, context, images);
        }
    }

    /// <summary>One row per generation, one column per arm, so arms compare side by side.</summary>
    private static string TextTable(ReportContext context, List<(ReportArm Arm, SamplePreview Preview)> texts)
    {
        var sb = new StringBuilder("<div class=\"scroll\"><table class=\"samples\"><thead><tr><th>generation</th>");
        foreach (var (arm, _) in texts)
        {
            sb.Append($"<th>{context.Swatch(arm)}</th>");
        }
        sb.Append("</tr></thead><tbody>");
        foreach (var g in texts.SelectMany(t => t.Preview.ByGeneration.Keys).Distinct().Order())
        {
            sb.Append($"<tr><td class=\"num\">{g.ToString(CultureInfo.InvariantCulture)}</td>");
            foreach (var (_, preview) in texts)
            {
                sb.Append("<td>");
                foreach (var item in preview.ByGeneration.GetValueOrDefault(g) ?? [])
                {
                    var (text, cut) = Escaping.Excerpt(item, ExcerptLength);
                    sb.Append("<pre class=\"sample\">").Append(Escaping.Html(text));
                    if (cut)
                    {
                        sb.Append($"<span class=\"cut\"> … ({(item.Length - text.Length).ToString(CultureInfo.InvariantCulture)} more characters)</span>");
                    }
                    sb.Append("</pre>");
                }
                sb.Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table></div>");
        return sb.ToString();
    }

    private static void WriteImages(HtmlWriter page, ReportContext context, List<(RunRecord Run, string Path)> images)
    {
        var total = images.Sum(i => new FileInfo(i.Path).Length);
        var chosen = images;
        if (total > ImageBudget)
        {
            // Keep evenly spaced images (first and last included) within the budget.
            var average = total / (double)images.Count;
            var keep = Math.Max(2, (int)(ImageBudget / average));
            chosen = Enumerable.Range(0, keep).Select(i => images[(int)Math.Round(i * (images.Count - 1) / (double)(keep - 1))]).Distinct().ToList();
        }
        page.Heading("Images");
        if (chosen.Count < images.Count)
        {
            page.Paragraph($"{chosen.Count} of {images.Count} images shown (evenly spaced) to keep this file small; all are in each run's images/ folder.");
        }
        var sb = new StringBuilder("<div class=\"gallery\">");
        foreach (var (run, path) in chosen)
        {
            var name = Path.GetRelativePath(run.Folder.File("images"), path);
            var caption = context.Compare ? $"{run.Id}/{name}" : name;
            var data = Convert.ToBase64String(File.ReadAllBytes(path));
            sb.Append($"<figure><img alt=\"{Escaping.Html(caption)}\" src=\"data:{ImageTypes[Path.GetExtension(path)]};base64,{data}\"><figcaption>{Escaping.Html(caption)}</figcaption></figure>");
        }
        sb.Append("</div>");
        page.AppendTrustedHtml(sb.ToString());
    }

    /// <summary>Sorts "gen2" before "gen10": digit runs padded to a fixed width.</summary>
    private static string NaturalKey(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length;)
        {
            if (char.IsAsciiDigit(name[i]))
            {
                var j = i;
                while (j < name.Length && char.IsAsciiDigit(name[j]))
                {
                    j++;
                }
                sb.Append(name[i..j].PadLeft(12, '0'));
                i = j;
            }
            else
            {
                sb.Append(name[i++]);
            }
        }
        return sb.ToString();
    }
}
