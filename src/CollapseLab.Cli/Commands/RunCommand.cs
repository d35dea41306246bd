using System.CommandLine;
using CollapseLab.Cli.Terminal;
using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Storage;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

internal static class RunCommand
{
    public const int Stopped = 130;

    public static Command Build()
    {
        var spec = new Argument<string?>("spec") { Description = "Experiment spec (YAML). Omit it to run the built-in default (experiments/default.yaml).", Arity = ArgumentArity.ZeroOrOne };
        var set = CommonOptions.Set();
        var threads = new Option<int>("--threads", "-j") { Description = "Worker threads; results are identical for any count.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = CommonOptions.Runs();
        var resume = new Option<string?>("--resume") { Description = "Continue a stopped run (its folder or id) from its last completed generation." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display and no result tables." };
        var sharding = new ShardOptions();
        var store = CommonOptions.Store();
        var command = new Command("run", "Run an experiment: every arm × replicate × generation, then write the run folder and print the results.")
        {
            spec, set, threads, runs, resume, quiet, store,
        };
        foreach (var option in sharding.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(parsed =>
        {
            var threadCount = parsed.GetValue(threads);
            if (threadCount < 1)
            {
                throw new CommandLineException($"--threads must be at least 1, got {threadCount}.");
            }
            var compute = CommonOptions.Compute(threadCount);
            var runsDirectory = parsed.GetValue(runs)!;
            var resumeRun = parsed.GetValue(resume);
            if (sharding.Read(parsed, Environment.GetEnvironmentVariable) is { } shard)
            {
                if (resumeRun is not null)
                {
                    throw new CommandLineException("--resume does not apply to a shard: rerun the same shard command and it continues where it stopped.");
                }
                var experiment = LoadSpec(parsed.GetValue(spec), parsed.GetValue(set) ?? []);
                var shardIndex = RunStore.Named(parsed.GetValue(store)) is null ? null : RunStore.Open(parsed.GetValue(store), runsDirectory);
                return ShardCommand.Run(parsed, experiment, shard, compute, parsed.GetValue(quiet), shardIndex);
            }
            RunSession session;
            if (resumeRun is not null)
            {
                var folder = RunFolder.Find(resumeRun, runsDirectory)
                    ?? throw new RunFolderException($"--resume {resumeRun}: no run folder with a {RunFolder.SpecFile} there or under {runsDirectory}/. 'collapse list' shows the runs.");
                session = RunSession.Resume(folder, runsDirectory, compute, ReportCommand.RunOptions, index: RunStore.Open(parsed.GetValue(store), runsDirectory));
            }
            else
            {
                var experiment = LoadSpec(parsed.GetValue(spec), parsed.GetValue(set) ?? []);
                session = RunSession.Start(experiment, runsDirectory, compute, ReportCommand.RunOptions, RunStore.Open(parsed.GetValue(store), runsDirectory));
            }
            var quietRun = parsed.GetValue(quiet);
            // Made only here: a shard writes plain lines, and building the terminal costs a shard's start-up.
            var console = Consoles.For(parsed.InvocationConfiguration.Output);
            if (!quietRun)
            {
                console.MarkupLine($"[bold]{Markup.Escape(session.Spec.Name)}[/]: {session.Spec.Arms.Count} arm(s) × {session.Spec.Replicates} replicate(s) × {session.Spec.Generations + 1} generations on {threadCount} thread(s)");
                console.MarkupLine($"data: {Markup.Escape(session.Spec.Arms[0].Data.Describe())}");
                console.MarkupLine($"run folder: {Markup.Escape(session.Folder.Path)}");
                if (resumeRun is null && IsLong(session.Spec))
                {
                    console.MarkupLine(PlanCommand.Estimate(RunPlan.Calibrate(session.Spec, CommonOptions.Compute(1)), threadCount));
                }
            }
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
                parsed.InvocationConfiguration.Error.WriteLine("stopping after the current generation of each chain…");
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                var completed = ProgressDisplay.Run(console, session, quietRun, stop.Token);
                if (!completed)
                {
                    parsed.InvocationConfiguration.Error.WriteLine($"stopped; resume with: collapse run --resume {session.Folder.Path}");
                    return Stopped;
                }
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            if (!quietRun)
            {
                ResultTables.Render(console, session.Summary!);
                console.MarkupLine($"results: {Markup.Escape(session.Folder.Path)} (summary.csv, {CsvExporter.MetricsFileName(session.Summary!)}, summary.json; 'collapse show {Markup.Escape(session.Folder.Id)}')");
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    /// <summary>Long enough that timing generations 0–3 of each arm's first chain costs under 2% of the run.</summary>
    private static bool IsLong(ExperimentSpec spec) => (long)spec.ChainCount * (spec.Generations + 1) >= 50L * spec.Arms.Count * 4;

    public static ExperimentSpec LoadSpec(string? path, IEnumerable<string> overrides)
    {
        if (path is not null)
        {
            return SpecLoader.LoadFile(path, overrides);
        }
        var tree = SpecParser.ParseDocument(DefaultSpecText(), "built-in default (experiments/default.yaml)");
        return SpecLoader.Load(Overrides.Apply(tree, overrides), Directory.GetCurrentDirectory());
    }

    public static string DefaultSpecText()
    {
        using var stream = typeof(RunCommand).Assembly.GetManifestResourceStream("default.yaml")
            ?? throw new InvalidOperationException("the built-in default spec is missing from the program");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
