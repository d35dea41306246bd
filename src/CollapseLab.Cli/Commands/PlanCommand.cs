using System.CommandLine;
using System.Globalization;
using CollapseLab.Cli.Terminal;
using CollapseLab.Running;
using CollapseLab.Specs;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse plan SPEC`: per arm, the chains and their estimated CPU time, and a suggested shard count.</summary>
internal static class PlanCommand
{
    public static Command Build()
    {
        var spec = new Argument<string?>("spec") { Description = "Experiment spec (YAML); omit for the built-in default.", Arity = ArgumentArity.ZeroOrOne };
        var set = CommonOptions.Set();
        var generations = new Option<int>("--generations") { Description = "Generations of each arm's first chain to time after generation 0 (at most the spec's).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads", "-j") { Description = "Cores the run would get on one machine, for its wall-clock estimate.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("plan", "Estimate a run before spending it: times a few generations of each arm, then prints per arm the chains and CPU time, and suggests a shard count.")
        {
            spec, set, generations, threads,
        };
        command.SetAction(parsed =>
        {
            var k = parsed.GetValue(generations);
            if (k < 1)
            {
                throw new CommandLineException($"--generations must be at least 1, got {k}.");
            }
            var cores = parsed.GetValue(threads);
            if (cores < 1)
            {
                throw new CommandLineException($"--threads must be at least 1, got {cores}.");
            }
            var experiment = RunCommand.LoadSpec(parsed.GetValue(spec), parsed.GetValue(set) ?? []);
            var plan = RunPlan.Calibrate(experiment, CommonOptions.Compute(1), k);
            var console = Consoles.For(parsed.InvocationConfiguration.Output);
            Render(console, experiment, plan, cores);
            return CollapseCli.Ok;
        });
        return command;
    }

    public static void Render(IAnsiConsole console, ExperimentSpec spec, RunPlan plan, int cores)
    {
        var table = new Table().AddColumns("arm", "chains", "s per chain", "CPU s")
            .Title($"[bold]{Markup.Escape(spec.Name)}[/]: {spec.Generations + 1} generations, timed on generations 0–{plan.CalibrationGenerations} of each arm's first chain");
        foreach (var arm in plan.Arms)
        {
            table.AddRow(Markup.Escape(arm.Name), Text(arm.Chains), Seconds(arm.ChainSeconds), Seconds(arm.CpuSeconds));
        }
        table.AddRow("[bold]total[/]", Text(plan.Chains), "", Seconds(plan.CpuSeconds));
        console.Write(table);
        console.MarkupLine(Estimate(plan, cores));
        var shards = plan.SuggestedShards;
        console.MarkupLine(shards == 1
            ? "suggested: one machine (the work is under ten minutes per shard)"
            : $"suggested: --shards {shards} (about {Seconds(plan.CpuSeconds / shards)} CPU s each), e.g. collapse submit SPEC --slurm --shards {shards}");
    }

    public static string Estimate(RunPlan plan, int cores) =>
        $"estimate: {Seconds(plan.CpuSeconds)} CPU s, about {Seconds(plan.CpuSeconds / Math.Min(cores, Math.Max(1, plan.Chains)))} s on {cores} core(s); "
        + $"peak memory while timing {plan.PeakBytes / (1 << 20)} MiB";

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double s) => s.ToString(s < 10 ? "F2" : "F0", CultureInfo.InvariantCulture);
}
