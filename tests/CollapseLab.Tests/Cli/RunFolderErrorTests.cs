using CollapseLab.Cli;
using CollapseLab.Running;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Cli;

/// <summary>Run folders that cannot serve a command, and out-of-range command-line values: exit 2 and a message saying what to do.</summary>
public class RunFolderErrorTests
{
    private const string Spec = BadInputTests.Good;

    private static (int Code, string Error) Collapse(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        return (code, error.ToString());
    }

    private static void AssertBadInput((int Code, string Error) result, string expected)
    {
        Assert.Equal(CollapseCli.BadInput, result.Code);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resuming_a_complete_run_is_refused()
    {
        var runs = TestSpecs.TempDirectory();
        var session = RunSession.Start(TestSpecs.Load(Spec), runs, 1);
        Assert.True(session.Execute(CancellationToken.None));
        Assert.Throws<RunFolderException>(() => RunSession.Resume(session.Folder, runs, 1));
        AssertBadInput(Collapse("run", "--resume", session.Folder.Path, "--runs", runs, "--quiet"), "this run is already complete; nothing to resume");
    }

    [Fact]
    public void A_stopped_run_has_no_summary_to_show_and_says_how_to_finish_it()
    {
        var runs = TestSpecs.TempDirectory();
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var session = RunSession.Start(TestSpecs.Load(Spec), runs, 1);
        Assert.False(session.Execute(stop.Token));
        AssertBadInput(Collapse("show", session.Folder.Path, "--runs", runs), $"no summary.csv (run status: stopped). A stopped run can be finished with 'collapse run --resume {session.Folder.Path}'");
    }

    [Fact]
    public void A_missing_run_is_named()
    {
        var runs = TestSpecs.TempDirectory();
        AssertBadInput(Collapse("show", "nowhere", "--runs", runs), "no run 'nowhere'");
        AssertBadInput(Collapse("run", "--resume", "nowhere", "--runs", runs), "--resume nowhere: no run folder");
    }

    [Fact]
    public void Out_of_range_option_values_are_bad_input() =>
        AssertBadInput(Collapse("run", "--threads", "0", "--runs", TestSpecs.TempDirectory()), "--threads must be at least 1, got 0.");
}
