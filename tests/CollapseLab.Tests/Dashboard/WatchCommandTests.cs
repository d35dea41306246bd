using CollapseLab.Cli;
using CollapseLab.Cli.Terminal;
using CollapseLab.Dashboard.Live;
using CollapseLab.Storage;
using CollapseLab.Tests.Reports;

namespace CollapseLab.Tests.Dashboard;

/// <summary>`collapse watch`: follows a run to its end, shows alarms, and never passes run text's escape sequences to the terminal.</summary>
public sealed class WatchCommandTests
{
    private const string Hostile = "evil\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u009b1m\u202Eright-to-left\u0000";

    [Fact]
    public void TerminalText_DropsControlCharactersAndBidiOverrides()
    {
        Assert.Equal("evil]0;owned[2J[31mred1mright-to-left", TerminalText.Clean(Hostile));
        Assert.Equal("[[x]]", TerminalText.Markup("[x]"));
        Assert.Equal("naïve — 表", TerminalText.Clean("naïve — 表"));
    }

    [Fact]
    public void Once_ShowsArmsAndAlarms_WithoutEscapeSequences()
    {
        var runs = RunFolders.NewDirectory("watch-once");
        using var run = new GatedRun(runs, GatedRun.Spec(generations: 5, description: Hostile, arms: [Hostile, "accumulate"]));
        run.Finish();
        File.WriteAllText(run.Session.Folder.File(AlarmTable.FileName),
            "arm,replicate,generation,signal,rule,value,threshold,action\n" +
            $"{CsvExporter.Quote(Hostile)},0,3,variance,cusum,0.25,0.5,rollback\n" +
            $"accumulate,0,4,{CsvExporter.Quote(Hostile)},relative,1.5,1.2,mark\n");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = CollapseCli.Run(["watch", run.Id, "--runs", runs, "--once", "--metric", "kl"], output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.DoesNotContain('\u009b', text);
        Assert.Contains("complete", text, StringComparison.Ordinal);
        Assert.Contains("alarms: 2", text, StringComparison.Ordinal);
        Assert.Contains("rollback", text, StringComparison.Ordinal);
        Assert.Contains("evil]0;owned", text, StringComparison.Ordinal);
        Assert.Contains("5/5", text, StringComparison.Ordinal);
        Assert.Contains("kl", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follows_ARunningRun_UntilItCompletes()
    {
        var runs = RunFolders.NewDirectory("watch-follow");
        using var run = new GatedRun(runs, GatedRun.Spec(generations: 30, arms: ["replace", "accumulate"]));
        run.WaitForProgress(2);
        var inner = new StringWriter();
        var output = TextWriter.Synchronized(inner);
        string Seen()
        {
            lock (output)
            {
                return inner.ToString();
            }
        }
        int Frames() => Seen().Split("live · run ").Length - 1;
        var watching = Task.Run(() => CollapseCli.Run(["watch", run.Id, "--runs", runs, "--interval", "0.05"], output, new StringWriter()));
        for (var step = 0; step < 3; step++)
        {
            var before = await Until(() => Frames() > step, Frames);
            run.Advance(10);
            await Until(() => Frames() > before, Frames);
        }
        run.Finish();

        Assert.Equal(0, await watching.WaitAsync(TimeSpan.FromSeconds(60)));
        var text = Seen();
        Assert.True(Frames() >= 4, $"expected a frame per change:\n{text}");
        Assert.Contains("running", text, StringComparison.Ordinal);
        Assert.EndsWith("no alarms", text.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("complete", text.Split("live · run ")[^1], StringComparison.Ordinal);
    }

    private static async Task<int> Until(Func<bool> condition, Func<int> value)
    {
        for (var i = 0; i < 1200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "watch never showed the change");
        return value();
    }

    [Fact]
    public void UnknownMetric_IsBadInput_ListingTheRunsMetrics()
    {
        var runs = RunFolders.NewDirectory("watch-bad");
        using var run = new GatedRun(runs, GatedRun.Spec(generations: 2, arms: ["replace"]));
        run.Finish();
        var error = new StringWriter();
        Assert.Equal(CollapseCli.BadInput, CollapseCli.Run(["watch", run.Id, "--runs", runs, "--metric", "nope"], new StringWriter(), error));
        Assert.Contains("--metric nope", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("variance, kl", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EtaComesFromTheObservedRate()
    {
        var rate = new ProgressRate();
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Null(rate.SecondsLeft(t0, 0, 100, started: null, firstSession: false));
        rate.Observe(t0, 10);
        rate.Observe(t0.AddSeconds(10), 30);
        Assert.Equal(35, rate.SecondsLeft(t0.AddSeconds(10), 30, 100, started: null, firstSession: false)!.Value, 9);
        // Before two observations, a first session is timed from its start.
        Assert.Equal(30, new ProgressRate().SecondsLeft(t0.AddSeconds(20), 40, 100, started: t0, firstSession: true)!.Value, 9);
        Assert.Equal(0, rate.SecondsLeft(t0, 100, 100, null, false));
    }
}
