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
        var command = new Command("list", "List the runs in the runs folder, newest first.") { runs };
        command.SetAction(parsed =>
        {
            var console = Consoles.For(parsed.InvocationConfiguration.Output);
            var directory = parsed.GetValue(runs)!;
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
}
