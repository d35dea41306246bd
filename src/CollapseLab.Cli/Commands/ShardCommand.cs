using System.CommandLine;
using CollapseLab.Running;
using CollapseLab.Running.Shards;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Tensors;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse run … --shard I/N --out DIR`: one shard's chains, a line when it starts and when it ends.</summary>
internal static class ShardCommand
{
    public static int Run(ParseResult parsed, ExperimentSpec spec, (int Index, int Count, string Folder) shard, Compute compute, bool quiet, IRunIndex? index)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        var run = new ShardRun(spec, shard.Folder, shard.Index, shard.Count, compute, new RunnerOptions(RunnerOptions.DefaultCheckpointInterval), index);
        if (!quiet)
        {
            output.WriteLine($"{spec.Name}: shard {shard.Index} of {shard.Count}, {run.Slots.Count} of {spec.ChainCount} chains × {spec.Generations + 1} generations on {compute.Threads} thread(s) into {run.Folder}");
        }
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
            error.WriteLine("stopping after the current generation of each chain…");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (!run.Execute(stop.Token))
            {
                error.WriteLine($"stopped; rerun the same command to continue shard {shard.Index}.");
                return RunCommand.Stopped;
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (!quiet)
        {
            output.WriteLine($"shard {shard.Index} of {shard.Count} done; when every shard is, merge with: collapse merge {shard.Folder}");
        }
        return CollapseCli.Ok;
    }
}
