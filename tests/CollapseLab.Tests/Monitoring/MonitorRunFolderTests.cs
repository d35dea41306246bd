using CollapseLab.Monitoring;
using CollapseLab.Running;
using CollapseLab.Running.Shards;
using CollapseLab.Storage;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;
using Microsoft.Data.Sqlite;

namespace CollapseLab.Tests.Monitoring;

/// <summary>A monitored run's files, index rows and report; the same bits after a resume and across shards.</summary>
public class MonitorRunFolderTests
{
    private static readonly string[] Files = ["metrics.csv", "summary.csv", MonitorExport.AlarmsFile, MonitorExport.QualityFile, Calibration.FileName];

    private static RunSession Whole()
    {
        var session = RunSession.Start(TestSpecs.Load(MonitorSpecs.Actions), TestSpecs.TempDirectory(), 2);
        Assert.True(session.Execute(CancellationToken.None));
        return session;
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        foreach (var file in Files)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(expected, file)), File.ReadAllText(Path.Combine(actual, file)));
        }
    }

    [Fact]
    public void Alarms_go_to_alarms_csv_with_the_dashboards_header_and_to_the_index()
    {
        var session = Whole();
        var lines = File.ReadAllLines(session.Folder.File(MonitorExport.AlarmsFile));
        Assert.Equal("arm,replicate,generation,signal,rule,value,threshold,action", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("rollback,", StringComparison.Ordinal) && l.EndsWith(",rollback", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("inject,", StringComparison.Ordinal) && l.EndsWith(",inject_real", StringComparison.Ordinal));
        using var db = new SqliteConnection($"Data Source={Path.Combine(Path.GetDirectoryName(session.Folder.Path)!, SqliteIndex.FileName)};Pooling=False");
        db.Open();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM alarms WHERE run_id = $id";
        count.Parameters.AddWithValue("$id", session.Folder.Id);
        Assert.Equal(lines.Length - 1, Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_report_shows_signal_quality_thresholds_and_interventions()
    {
        var session = Whole();
        var html = global::CollapseLab.Reports.ReportBuilder.Render([global::CollapseLab.Reports.RunRecord.Load(session.Folder)], compare: false);
        Assert.Contains("Early warnings", html, StringComparison.Ordinal);
        Assert.Contains("false alarms", html, StringComparison.Ordinal);
        Assert.Contains("cusum(k=0.5)", html, StringComparison.Ordinal);
        Assert.Contains("rollback × 4", html, StringComparison.Ordinal);
        var start = html.IndexOf("<table class=\"signals\">", StringComparison.Ordinal);
        var table = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        var rows = File.ReadAllLines(session.Folder.File(MonitorExport.QualityFile)).Length - 1;
        Assert.Equal(rows, table.Split("<tr><td>").Length - 1);
    }

    [Fact]
    public void Alarms_appear_while_the_run_writes_and_a_resumed_run_ends_with_the_same_alarms_and_values()
    {
        var whole = Whole();
        using var stop = new CancellationTokenSource();
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            // Past the 20 calibration chains' 13 generations each, and 30 generations into the run proper.
            if (done >= 20 * 13 + 30)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(MonitorSpecs.Actions), TestSpecs.TempDirectory(), 2, options);
        Assert.False(first.Execute(stop.Token));
        Assert.True(File.Exists(first.Folder.File(Calibration.FileName)));
        // A live view reads the alarms raised so far while the run is still going.
        var live = File.ReadAllLines(first.Folder.File(MonitorExport.AlarmsFile));
        Assert.Equal(MonitorExport.AlarmsHeader, live[0]);
        Assert.True(live.Length > 1);
        Assert.True(RunSession.Resume(new RunFolder(first.Folder.Path), TestSpecs.TempDirectory(), 1).Execute(CancellationToken.None));
        AssertSameFiles(whole.Folder.Path, first.Folder.Path);
    }

    [Fact]
    public void Shards_calibrate_alike_and_merge_to_the_unsharded_files()
    {
        var whole = Whole();
        var directory = Path.Combine(TestSpecs.TempDirectory(), "sharded");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(new ShardRun(TestSpecs.Load(MonitorSpecs.Actions), directory, i, 3, new Compute(GemmKind.Managed, 1)).Execute(CancellationToken.None));
        }
        ShardMerge.Merge(directory);
        AssertSameFiles(whole.Folder.Path, directory);
    }
}
