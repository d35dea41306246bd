using System.CommandLine;
using CollapseLab.Reports;
using CollapseLab.Running;
using CollapseLab.Storage;
using CollapseLab.Summaries;

namespace CollapseLab.Cli.Commands;

internal static class ReportCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var output = new Option<string?>("--out", "-o") { Description = $"Where to write the HTML file (default: {ReportBuilder.FileName} in the run folder)." };
        var runs = CommonOptions.Runs();
        var command = new Command("report", "Write a run's self-contained HTML report (charts, composition, distributions, samples, spec); it opens offline in any browser.")
        {
            run, output, runs,
        };
        command.SetAction(parsed =>
        {
            var folder = Find(parsed.GetValue(run)!, parsed.GetValue(runs)!);
            var path = ReportBuilder.Write(folder, parsed.GetValue(output));
            parsed.InvocationConfiguration.Output.WriteLine($"report: {path}");
            return CollapseCli.Ok;
        });
        return command;
    }

    public static RunFolder Find(string name, string runsDirectory) =>
        RunFolder.Find(name, runsDirectory)
            ?? throw new RunFolderException($"no run '{name}' (looked for a folder with {RunFolder.SpecFile} at that path and under {runsDirectory}/). 'collapse list' shows the runs.");

    /// <summary>How the program runs and resumes: every run it completes leaves report.html in its folder.</summary>
    public static RunnerOptions RunOptions { get; } = new(RunnerOptions.DefaultCheckpointInterval) { AfterComplete = [AfterRun] };

    /// <summary>Run after every completed run: writes the sample grids and report.html; a report that fails never fails the run.</summary>
    public static void AfterRun(RunFolder folder, RunSummary summary)
    {
        try
        {
            SampleGrids.Write(folder, summary);
            ReportBuilder.Write(folder);
        }
        catch (Exception e)
        {
            // The run's results are already saved; a report problem must not turn a completed run into a failure.
            Console.Error.WriteLine($"warning: the HTML report was not written ({e.Message}); write it later with 'collapse report {folder.Path}'.");
        }
    }
}
