using CollapseLab.Cli;
using CollapseLab.Reports;
using CollapseLab.Storage;
using CollapseLab.Tests.Reports;

namespace CollapseLab.Tests.Curation;

/// <summary>The report's curation section, read from a real curated run made through the CLI.</summary>
public class CurationReportTests
{
    private const string Spec = """
        name: curated
        seed: 2
        generations: 4
        replicates: 3
        data: { source: zipf, vocab: 4, order: 1, block: 2, train: 40, test: 20 }
        model: categorical
        arms:
          - { name: plain }
          - { name: "dedup <b>", curation: [dedup] }
        metrics: [gini_impurity]
        """;

    [Fact]
    public void A_curated_arm_gets_a_funnel_and_a_table_whose_means_match_curation_csv()
    {
        var runs = RunFolders.NewDirectory("curation");
        var path = Path.Combine(runs, "curated.yaml");
        File.WriteAllText(path, Spec);
        var error = new StringWriter();
        Assert.Equal(0, CollapseCli.Run(["run", path, "--runs", runs, "-q", "--threads", "2"], new StringWriter(), error));
        var folder = new RunFolder(Directory.GetDirectories(runs).Single());
        var html = File.ReadAllText(folder.File(ReportBuilder.FileName));

        var table = Assert.Single(CurationTable.Read(folder));
        Assert.Equal("dedup <b>", table.Arm);
        Assert.Equal(["dedup"], table.Steps);
        var rows = File.ReadLines(folder.File(CurationTable.FileName)).Skip(1).Select(l => l.Split(',')).ToList();
        var kept0 = rows.Where(f => f[^6] == "0").Average(f => double.Parse(f[^2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(kept0, table.Cells.Single(c => c.Generation == 0).Kept, 12);
        Assert.Equal(40, table.Funnel()[0].Count);

        Assert.Contains("<section id=\"curation\">", html, StringComparison.Ordinal);
        Assert.Contains("curation funnel", html, StringComparison.Ordinal);
        Assert.Contains("dedup &lt;b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("dedup <b>", html, StringComparison.Ordinal);

        // Step time is a timing: in run.json and the report, never in curation.csv.
        var seconds = Assert.Single(RunInfo.Load(folder)!.CurationSeconds!);
        Assert.Equal("dedup <b>: 1. dedup", seconds.Key);
        Assert.True(seconds.Value >= 0);
        Assert.Contains("curation time", html, StringComparison.Ordinal);
        Assert.Equal("arm,replicate,generation,step,name,seen,kept,changed", File.ReadLines(folder.File(CurationTable.FileName)).First());
    }
}
