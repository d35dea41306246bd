using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CollapseLab.Cli;
using CollapseLab.Reports;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Reports;

/// <summary>What a report file holds, checked without a browser.</summary>
public sealed partial class ReportContentTests
{
    [Fact]
    public void CompletedRun_LeavesReportWithAChartPerMetric()
    {
        var folder = RunFolders.SharedDefault;
        var html = File.ReadAllText(folder.File(ReportBuilder.FileName));
        var charts = ChartSpecsOf(html);
        var metrics = File.ReadLines(folder.File("summary.csv")).Skip(1).Select(l => l.Split(',')[2]).Distinct().ToList();
        foreach (var metric in metrics)
        {
            Assert.Contains(charts, c => c!["spec"]!["title"]!["text"]!.GetValue<string>() == metric);
        }
        Assert.Contains(charts, c => c!["name"]!.GetValue<string>().StartsWith("composition", StringComparison.Ordinal));
        Assert.Contains("What collapsed, and when", html, StringComparison.Ordinal);
        Assert.Contains("complete", html, StringComparison.Ordinal);
        Assert.Contains("Resolved spec", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileSamples_AreEscaped_AndOnlyTheReportsOwnScriptsExist()
    {
        var folder = RunFolders.Synthetic(RunFolders.NewDirectory("xss"), "hostile", last: 6, replicates: 5, texts: HostileText.Samples);
        var html = File.ReadAllText(ReportBuilder.Write(folder));

        Assert.Contains("&lt;script&gt;window.__collapselabInjected = &#39;script&#39;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;/textarea&gt;&lt;/pre&gt;&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
        // Every script element is the chart data or carries the page's nonce; the CSP runs nothing else.
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.Equal(5, scripts.Count);
        Assert.All(scripts, s => Assert.True(s.StartsWith("<script nonce=", StringComparison.Ordinal) || s == "<script type=\"application/json\" id=\"chart-specs\">", s));
        Assert.Contains("script-src 'nonce-", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartData_CannotCloseItsScriptElement()
    {
        var json = Escaping.ScriptJson(new JsonObject { ["sample"] = "</script><script>alert(1)</script>\u2028" });
        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        Assert.DoesNotContain(">", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\u2028", json, StringComparison.Ordinal);
        Assert.Equal("</script><script>alert(1)</script>\u2028", JsonNode.Parse(json)!["sample"]!.GetValue<string>());
    }

    [Fact]
    public void LargeRun_ReportStaysUnderFiveMegabytes_AndDrawsThinnedSeries()
    {
        var path = ReportBuilder.Write(RunFolders.SharedLarge, Path.Combine(RunFolders.NewDirectory("large-report"), "report.html"));
        var size = new FileInfo(path).Length;
        Assert.True(size < 5_000_000, $"report is {size} bytes");
        var html = File.ReadAllText(path);
        foreach (var chart in ChartSpecsOf(html))
        {
            var columns = chart!["spec"]!["data"]!["values"]![0]!.AsObject();
            var rows = columns.First().Value!.AsArray().Count;
            Assert.True(rows <= 3 * (GenerationPicks.SeriesPoints + 12) * 9, $"{chart["name"]}: {rows} rows");
        }
        Assert.Contains("every 5th generation is drawn", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_IsTheSameUnderADecimalCommaCulture()
    {
        var folder = RunFolders.Synthetic(RunFolders.NewDirectory("culture"), "culture", last: 40, replicates: 30);
        var invariant = RenderIn(CultureInfo.InvariantCulture, folder);
        var german = RenderIn(CultureInfo.GetCultureInfo("de-DE"), folder);
        Assert.Equal(WithoutNonce(invariant), WithoutNonce(german));
        Assert.DoesNotContain("0,5", ChartJson(german), StringComparison.Ordinal);
    }

    [Fact]
    public void Show_CsvAndJson_AreTheSameUnderADecimalCommaCulture()
    {
        var folder = RunFolders.SharedDefault;
        foreach (var format in new[] { "csv", "json" })
        {
            var invariant = CliIn(CultureInfo.InvariantCulture, "show", folder.Path, "--format", format);
            var german = CliIn(CultureInfo.GetCultureInfo("de-DE"), "show", folder.Path, "--format", format);
            Assert.Equal(invariant, german);
            Assert.Matches(@"\d\.\d", german);
            Assert.Contains(format == "csv" ? "n_finite,sd,q025,q975" : "\"q975\"", german, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compare_OverlaysArmsOfSeveralRuns_PrefixedByRunId()
    {
        var runs = RunFolders.NewDirectory("compare");
        RunFolders.Synthetic(runs, "first-run", last: 10, replicates: 5, arms: 2);
        RunFolders.Synthetic(runs, "second-run", last: 20, replicates: 5, arms: 1);
        var output = Path.Combine(runs, "both.html");
        var (code, text, error) = Cli("compare", "first-run", "second-run", "--runs", runs, "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("both.html", text, StringComparison.Ordinal);
        var variance = ChartSpecsOf(File.ReadAllText(output)).Single(c => c!["name"]!.GetValue<string>() == "variance");
        var domain = variance!["spec"]!["layer"]![0]!["encoding"]!["color"]!["scale"]!["domain"]!.AsArray().Select(a => a!.GetValue<string>());
        Assert.Equal(["first-run/replace", "first-run/keep-real-10%", "second-run/replace"], domain);
    }

    [Fact]
    public void ReportAndCompare_RejectBadInput_WithExitCode2()
    {
        var runs = RunFolders.NewDirectory("bad");
        RunFolders.Synthetic(runs, "only", last: 3, replicates: 3, arms: 1);
        var (code, _, error) = Cli("report", "nosuch", "--runs", runs);
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("no run 'nosuch'", error, StringComparison.Ordinal);
        (code, _, error) = Cli("compare", "only", "--runs", runs, "--out", Path.Combine(runs, "x.html"));
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("at least two runs", error, StringComparison.Ordinal);
        (code, _, error) = Cli("compare", "only", "only", "--runs", runs, "--out", Path.Combine(runs, "x.html"));
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("named twice", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_AreEmbeddedAsDataUris_WithEscapedCaptions()
    {
        var folder = RunFolders.Synthetic(RunFolders.NewDirectory("images"), "images", last: 4, replicates: 3, arms: 1);
        Directory.CreateDirectory(folder.File("images"));
        // The smallest valid PNG (1×1, grey); names sort naturally (gen2 before gen10).
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==");
        File.WriteAllBytes(folder.File("images/gen10.png"), png);
        File.WriteAllBytes(folder.File("images/gen2.png"), png);
        File.WriteAllBytes(folder.File("images/\"><b>x.png"), png);
        File.WriteAllText(folder.File("images/evil.svg"), "<svg onload=\"alert(1)\"/>");
        var html = File.ReadAllText(ReportBuilder.Write(folder));
        Assert.Equal(3, Regex.Count(html, "src=\"data:image/png;base64,"));
        Assert.True(html.IndexOf("gen2.png", StringComparison.Ordinal) < html.IndexOf("gen10.png", StringComparison.Ordinal));
        Assert.Contains("&quot;&gt;&lt;b&gt;x.png", html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public void PerSampleValues_AreHistogramsWhenMany_AndTrajectoriesWhenFew()
    {
        var many = RunFolders.Synthetic(RunFolders.NewDirectory("values"), "many", last: 30, replicates: 3, arms: 1, valuesPerGeneration: 40);
        var few = RunFolders.Synthetic(RunFolders.NewDirectory("values"), "few", last: 30, replicates: 3, arms: 1, valuesPerGeneration: 2);
        var histogram = ChartSpecsOf(File.ReadAllText(ReportBuilder.Write(many))).Single(c => c!["name"]!.GetValue<string>() == "perplexity-replace")!["spec"]!;
        var trajectory = ChartSpecsOf(File.ReadAllText(ReportBuilder.Write(few))).Single(c => c!["name"]!.GetValue<string>() == "perplexity-replace")!["spec"]!;
        Assert.Equal("replace: per-sample perplexity", histogram["title"]!["text"]!.GetValue<string>());
        Assert.Equal("log", histogram["layer"]![0]!["encoding"]!["x"]!["scale"]!["type"]!.GetValue<string>());
        Assert.Contains(histogram["title"]!["subtitle"]!.AsArray(), line => line!.GetValue<string>().Contains("+∞", StringComparison.Ordinal));
        Assert.Equal("replace: perplexity by generation", trajectory["title"]!["text"]!.GetValue<string>());
        // Every generation 0…30 is drawn for both value indices.
        Assert.Equal(31 * 2, trajectory["data"]!["values"]![0]!["g"]!.AsArray().Count);
    }

    private static string RenderIn(CultureInfo culture, RunFolder folder)
    {
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            return ReportBuilder.Render([RunRecord.Load(folder)], compare: false);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }

    private static string CliIn(CultureInfo culture, params string[] args)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            var (code, text, error) = Cli(args);
            Assert.True(code == 0, error);
            return text;
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    internal static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string WithoutNonce(string html) => Nonce().Replace(html, "nonce");

    private static string ChartJson(string html) => ChartData().Match(html).Groups[1].Value;

    private static List<JsonNode?> ChartSpecsOf(string html) =>
        JsonNode.Parse(ChartJson(html))!.AsObject().Select(kv => kv.Value).ToList();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("nonce-?=?\"?[A-Za-z0-9+/=]{24}\"?")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script type=\"application/json\" id=\"chart-specs\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ChartData();
}
