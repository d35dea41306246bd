using System.CommandLine;
using CollapseLab.Cli.Terminal;
using CollapseLab.Dashboard.Live;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse watch RUN`: a terminal view of a run, refreshed while it writes, that ends when the run does.</summary>
internal static class WatchCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var runs = CommonOptions.Runs();
        var metrics = new Option<string[]>("--metric", "-m")
        {
            Description = "Metric to show per arm (repeatable; default: the spec's first four).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes.", DefaultValueFactory = _ => 1.0 };
        var once = new Option<bool>("--once") { Description = "Print the current state once and exit." };
        var alarmRows = new Option<int>("--alarms") { Description = "Latest alarms to list.", DefaultValueFactory = _ => 10 };
        var command = new Command("watch", "Follow a run in the terminal: each arm's newest generation, alarms (alarms.csv), progress and ETA, refreshed until the run ends.")
        {
            run, runs, metrics, interval, once, alarmRows,
        };
        command.SetAction(parsed =>
        {
            var seconds = parsed.GetValue(interval);
            if (!(seconds >= 0.05 && seconds <= 3600))
            {
                throw new CommandLineException($"--interval {seconds}: give seconds between 0.05 and 3600.");
            }
            var rows = parsed.GetValue(alarmRows);
            if (rows < 0)
            {
                throw new CommandLineException($"--alarms {rows}: give a count of 0 or more.");
            }
            var folder = ReportCommand.Find(parsed.GetValue(run)!, parsed.GetValue(runs)!);
            var live = new LiveRun(folder);
            var names = Metrics(parsed.GetValue(metrics) ?? [], live.Outline);
            var output = parsed.InvocationConfiguration.Output;
            var console = Consoles.For(output);
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                Follow(console, live, names, rows, TimeSpan.FromSeconds(seconds), parsed.GetValue(once), stop.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    /// <summary>
    /// On a terminal, one frame redrawn in place; elsewhere (a pipe, a file) a frame each time the run changed. Either
    /// way it returns once the run has finished (complete, stopped or failed), after showing its final state.
    /// </summary>
    internal static void Follow(IAnsiConsole console, LiveRun live, IReadOnlyList<string> metrics, int alarmRows, TimeSpan interval, bool once, CancellationToken stop)
    {
        var first = live.Refresh();
        if (once || first.Finished)
        {
            console.Write(WatchView.Render(first, metrics, alarmRows));
            return;
        }
        if (console.Profile.Capabilities.Interactive)
        {
            console.Live(WatchView.Render(first, metrics, alarmRows)).AutoClear(false).Start(context =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var s = live.Refresh();
                    context.UpdateTarget(WatchView.Render(s, metrics, alarmRows));
                    if (s.Finished)
                    {
                        return;
                    }
                    stop.WaitHandle.WaitOne(interval);
                }
            });
            return;
        }
        console.Write(WatchView.Render(first, metrics, alarmRows));
        var shown = first.Version;
        while (!stop.IsCancellationRequested)
        {
            stop.WaitHandle.WaitOne(interval);
            var s = live.Refresh();
            if (s.Version != shown)
            {
                console.WriteLine();
                console.Write(WatchView.Render(s, metrics, alarmRows));
                shown = s.Version;
            }
            if (s.Finished)
            {
                return;
            }
        }
    }

    private static List<string> Metrics(string[] asked, RunOutline outline)
    {
        var known = outline.Metrics.Select(m => m.Name).ToList();
        foreach (var name in asked)
        {
            if (!known.Contains(name))
            {
                throw new CommandLineException($"--metric {TerminalText.Clean(name)}: this run has no such metric; it has {TerminalText.Clean(string.Join(", ", known))}.");
            }
        }
        return asked.Length > 0 ? asked.ToList() : known.Take(4).ToList();
    }
}
