using System.CommandLine;
using CollapseLab.Cli.Terminal;
using CollapseLab.Running.Shards;
using CollapseLab.Storage;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse merge DIR`: the shards' chains into the run's files, as an unsharded run writes them.</summary>
internal static class MergeCommand
{
    public static Command Build()
    {
        var folder = new Argument<string>("dir") { Description = "The sharded run's folder (the --out of its shards)." };
        var runs = new Option<string?>("--runs") { Description = "Folder of the collapselab.db index to record the run in (default: the run folder's parent)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No result tables." };
        var store = CommonOptions.Store();
        var command = new Command("merge", "Merge a sharded run: checks every shard is done and ran the same spec, then writes the run's files (identical to an unsharded run's), the index rows and report.html. Merging again rewrites the same files.")
        {
            folder, runs, quiet, store,
        };
        command.SetAction(parsed =>
        {
            var dir = parsed.GetValue(folder)!;
            var index = RunStore.Named(parsed.GetValue(store)) is null ? null : RunStore.Open(parsed.GetValue(store), dir);
            var summary = ShardMerge.Merge(dir, parsed.GetValue(runs), ReportCommand.RunOptions, index: index);
            if (!parsed.GetValue(quiet))
            {
                var console = Consoles.For(parsed.InvocationConfiguration.Output);
                ResultTables.Render(console, summary);
                console.MarkupLine($"merged {summary.Spec.ChainCount} chains into {Markup.Escape(Path.GetFullPath(dir))}");
            }
            return CollapseCli.Ok;
        });
        return command;
    }
}
