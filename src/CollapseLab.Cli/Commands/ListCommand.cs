using System.CommandLine;
using CollapseLab.Cli.Terminal;
using CollapseLab.Storage;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

internal static class ListCommand
{
    public static Command Build()
    {
        var runs = CommonOptions.Runs();
        var store = CommonOptions.Store();
        var command = new Command("list", "List the runs in the runs folder (or, with --store or COLLAPSELAB_STORE, in that index), newest first.") { runs, store };
        command.SetAction(parsed =>
        {
            var console = Consoles.For(parsed.InvocationConfiguration.Output);
            var directory = parsed.GetValue(runs)!;
            if (RunStore.Named(parsed.GetValue(store)) is not null)
            {
                return FromIndex(console, RunStore.Open(parsed.GetValue(store), directory));
            }
            var folders = Directory.Exists(directory)
                ? Directory.GetDirectories(directory).Select(d => new RunFolder(d)).Where(f => File.Exists(f.File(RunFolder.InfoFile))).ToList()
                : [];
            if (folders.Count == 0)
            {
                console.WriteLine($"no runs in {Path.GetFullPath(directory)} yet; start one with 'collapse run'.");
                return CollapseCli.Ok;
            }
            var table = new Table().AddColumns("run", "status", "started (UTC)", "seconds", "threads");
            foreach (var (folder, info) in folders.Select(f => (f, RunInfo.Load(f)!)).OrderByDescending(x => x.Item2.Started))
            {
                table.AddRow(Markup.Escape(folder.Id), info.Status, info.Started.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    info.Seconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), info.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            console.Write(table);
            return CollapseCli.Ok;
        });
        return command;
    }

    private static int FromIndex(IAnsiConsole console, IRunIndex index)
    {
        var rows = index.Runs();
        if (rows.Count == 0)
        {
            console.WriteLine($"no runs in the index at {index.Location} yet.");
            return CollapseCli.Ok;
        }
        var table = new Table().AddColumns("run", "status", "started (UTC)", "seconds", "threads", "folder").Title(Markup.Escape(index.Location));
        foreach (var run in rows)
        {
            var started = DateTime.TryParse(run.Started, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t)
                ? t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : run.Started;
            table.AddRow(Markup.Escape(run.Id), Markup.Escape(run.Status), Markup.Escape(started),
                run.Seconds?.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "", run.Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(run.Folder));
        }
        console.Write(table);
        return CollapseCli.Ok;
    }
}
