using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Reports;

/// <summary>`collapse export`: every table as CSV or JSON, invariant numbers, ±∞ kept, gzipped metrics read.</summary>
public sealed class ExportTests
{
    [Fact]
    public void SampleValues_ExportAsJson_WithInfinityAsText_UnderADecimalCommaCulture()
    {
        var runs = RunFolders.NewDirectory("export");
        RunFolders.Synthetic(runs, "exported", last: 3, replicates: 4, arms: 1, valuesPerGeneration: 3);
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var (code, text, error) = ReportContentTests.Cli("export", "exported", "sample-values", "--format", "json", "--runs", runs);
            Assert.True(code == 0, error);
            var rows = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
            Assert.Equal(4 * 3, rows.Count);
            Assert.Equal("perplexity", rows[0].GetProperty("name").GetString());
            Assert.Equal(Math.Exp(1), rows[0].GetProperty("value").GetDouble(), 12);
            Assert.Equal("inf", rows[3].GetProperty("value").GetString());
            Assert.Equal(1, rows[3].GetProperty("generation").GetInt32());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Csv_IsTheFileAsWritten_AndGzippedMetricsAreRead()
    {
        var runs = RunFolders.NewDirectory("export-gz");
        var folder = RunFolders.Synthetic(runs, "gz", last: 2, replicates: 2, arms: 1);
        const string metrics = "arm,replicate,generation,metric,value\nreplace,0,0,variance,0.5\nreplace,0,1,variance,-inf\n";
        using (var gz = new GZipStream(File.Create(folder.File("metrics.csv.gz")), CompressionLevel.Fastest))
        {
            gz.Write(System.Text.Encoding.UTF8.GetBytes(metrics));
        }
        var (code, text, error) = ReportContentTests.Cli("export", "gz", "metrics", "--runs", runs);
        Assert.True(code == 0, error);
        Assert.Equal(metrics, text);
        var output = Path.Combine(runs, "metrics.json");
        (code, _, error) = ReportContentTests.Cli("export", "gz", "metrics", "--format", "json", "--out", output, "--runs", runs);
        Assert.True(code == 0, error);
        var rows = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.Equal(0.5, rows[0].GetProperty("value").GetDouble());
        Assert.Equal("-inf", rows[1].GetProperty("value").GetString());
        Assert.Equal(File.ReadAllText(folder.File("summary.csv")), ReportContentTests.Cli("export", "gz", "summary", "--runs", runs).Output);
    }

    [Fact]
    public void MissingTable_SaysWhy_WithExitCode2()
    {
        var runs = RunFolders.NewDirectory("export-missing");
        var folder = RunFolders.Synthetic(runs, "bare", last: 2, replicates: 2, arms: 1);
        File.Delete(folder.File("sample_values.csv"));
        var (code, _, error) = ReportContentTests.Cli("export", "bare", "sample-values", "--runs", runs);
        Assert.Equal(global::CollapseLab.Cli.CollapseCli.BadInput, code);
        Assert.Contains("no sample_values.csv", error, StringComparison.Ordinal);
        Assert.Throws<RunFolderException>(() => TableExport.Locate(folder, "sumary"));
    }
}
