using System.Diagnostics;
using System.Globalization;
using CollapseLab.Running;
using Spectre.Console;

namespace CollapseLab.Cli.Terminal;

/// <summary>Shows a run's progress: a live bar with ETA on a terminal, a line every few seconds otherwise.</summary>
internal static class ProgressDisplay
{
    public static bool Run(IAnsiConsole console, RunSession session, bool quiet, CancellationToken cancel)
    {
        var runner = session.Runner;
        var work = Task.Run(() => session.Execute(cancel), CancellationToken.None);
        if (quiet)
        {
            return work.GetAwaiter().GetResult();
        }
        if (console.Profile.Capabilities.Interactive)
        {
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{session.Spec.Name}: {session.Spec.ChainCount} chains × {session.Spec.Generations + 1} generations", maxValue: runner.TotalSteps);
                    while (!work.Wait(100, CancellationToken.None))
                    {
                        task.Value = runner.CompletedSteps;
                    }
                    task.Value = runner.CompletedSteps;
                });
            return work.GetAwaiter().GetResult();
        }
        var clock = Stopwatch.StartNew();
        var lastLine = TimeSpan.Zero;
        while (!work.Wait(200, CancellationToken.None))
        {
            if (clock.Elapsed - lastLine >= TimeSpan.FromSeconds(5))
            {
                lastLine = clock.Elapsed;
                console.WriteLine(Line(runner, clock.Elapsed));
            }
        }
        return work.GetAwaiter().GetResult();
    }

    private static string Line(ExperimentRunner runner, TimeSpan elapsed)
    {
        var done = runner.CompletedSteps;
        var total = runner.TotalSteps;
        var fraction = total == 0 ? 1 : (double)done / total;
        var eta = fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture, $"progress {fraction:P0} ({done:N0}/{total:N0} generations), elapsed {elapsed:mm\\:ss}, about {eta:mm\\:ss} left");
    }
}
