using System.CommandLine;
using CollapseLab.Storage;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse status DIR`: shards done, queued, running, stopped, failed and missing.</summary>
internal static class StatusCommand
{
    public static Command Build()
    {
        var folder = new Argument<string>("dir") { Description = "The sharded run's folder." };
        var shards = new Option<int?>("--shards") { Description = "Shard count, when the run was not submitted with 'collapse submit' (default: from slurm/jobs.json or the shards' markers)." };
        var command = new Command("status", "Show each shard of a sharded run: done, pending or running in Slurm (squeue where present), stopped, failed or missing.")
        {
            folder, shards,
        };
        command.SetAction(parsed =>
        {
            var dir = Path.GetFullPath(parsed.GetValue(folder)!);
            var count = parsed.GetValue(shards) ?? SlurmSubmitter.Load(dir)?.Shards ?? CountFromMarkers(dir);
            var rows = ShardStatus.Read(dir, count);
            var table = new Table().AddColumns("shard", "state", "chains done", "seconds");
            foreach (var row in rows)
            {
                table.AddRow($"{row.Shard}", Markup.Escape(row.State), $"{row.Completed}/{row.Chains}", $"{row.Seconds:F1}");
            }
            var console = Terminal.Consoles.For(parsed.InvocationConfiguration.Output);
            console.Write(table);
            var done = rows.Count(r => r.State == "done");
            console.MarkupLine(done == count
                ? $"all {count} shards done; merge with: collapse merge {Markup.Escape(dir)}"
                : $"{done} of {count} shards done; resubmit the rest with: collapse submit --resume {Markup.Escape(dir)}");
            return CollapseCli.Ok;
        });
        return command;
    }

    private static int CountFromMarkers(string dir)
    {
        var run = new ShardedRunFolder(dir);
        if (!Directory.Exists(run.ShardsPath))
        {
            throw new RunFolderException($"{dir}: no shards have started here. Pass --shards N to list them as missing.");
        }
        return Directory.GetDirectories(run.ShardsPath)
            .Select(d => int.TryParse(Path.GetFileName(d), out var i) ? ShardManifest.Load(run.Shard(i)) : null)
            .Max(m => m?.Shards ?? 0);
    }
}
