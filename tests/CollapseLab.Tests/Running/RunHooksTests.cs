using CollapseLab.Cli;
using CollapseLab.Reports;
using CollapseLab.Running;
using CollapseLab.Storage;
using CollapseLab.Summaries;
using CollapseLab.Tests.Cli;

namespace CollapseLab.Tests.Running;

/// <summary>Hooks after a completed run come only from whoever runs it: the library alone writes no report.</summary>
public class RunHooksTests
{
    private const string Spec = BadInputTests.Good;

    [Fact]
    public void A_session_runs_only_the_hooks_it_was_given_after_completing()
    {
        var runs = TestSpecs.TempDirectory();
        var plain = RunSession.Start(TestSpecs.Load(Spec), runs, 1);
        Assert.True(plain.Execute(CancellationToken.None));
        Assert.False(File.Exists(plain.Folder.File(ReportBuilder.FileName)));

        var seen = new List<(string Status, int Generations)>();
        var options = new RunnerOptions(TimeSpan.Zero)
        {
            AfterComplete = [(folder, summary) => seen.Add((RunInfo.Load(folder)!.Status, summary.Spec.Generations))],
        };
        var hooked = RunSession.Start(TestSpecs.Load(Spec), runs, 1, options);
        Assert.True(hooked.Execute(CancellationToken.None));
        Assert.Equal([("complete", 3)], seen);
    }

    [Fact]
    public void A_resumed_session_runs_its_hooks_and_a_stopped_one_does_not()
    {
        var runs = TestSpecs.TempDirectory();
        var calls = 0;
        Action<RunFolder, RunSummary> count = (_, _) => calls++;
        using var stop = new CancellationTokenSource();
        var stopping = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= 3)
            {
                stop.Cancel();
            }
        }) { AfterComplete = [count] };
        var first = RunSession.Start(TestSpecs.Load(Spec), runs, 1, stopping);
        Assert.False(first.Execute(stop.Token));
        Assert.Equal(0, calls);

        var resumed = RunSession.Resume(new RunFolder(first.Folder.Path), runs, 1, new RunnerOptions(TimeSpan.Zero) { AfterComplete = [count] });
        Assert.True(resumed.Execute(CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void The_cli_writes_the_report_after_resuming_a_stopped_run()
    {
        var runs = TestSpecs.TempDirectory();
        using var stop = new CancellationTokenSource();
        var first = RunSession.Start(TestSpecs.Load(Spec), runs, 1, new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= 3)
            {
                stop.Cancel();
            }
        }));
        Assert.False(first.Execute(stop.Token));
        Assert.False(File.Exists(first.Folder.File(ReportBuilder.FileName)));

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(CollapseCli.Ok, CollapseCli.Run(["run", "--resume", first.Folder.Path, "--runs", runs, "--quiet"], output, error));
        Assert.Equal("complete", RunInfo.Load(first.Folder)!.Status);
        Assert.Contains("bad: model-collapse report", File.ReadAllText(first.Folder.File(ReportBuilder.FileName)), StringComparison.Ordinal);
    }
}
