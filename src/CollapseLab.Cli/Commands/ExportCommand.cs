using System.CommandLine;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

internal static class ExportCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var table = new Argument<string>("table") { Description = $"Which table: {string.Join(", ", TableExport.Tables.Keys)} (per-replicate metrics in long form; statistics across replicates; training-set composition; sample previews; per-sample values such as perplexities)." };
        table.AcceptOnlyFromAmong([.. TableExport.Tables.Keys]);
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file instead of standard output." };
        var runs = CommonOptions.Runs();
        var command = new Command("export", "Export one of a run's tables as CSV or JSON (numbers in the invariant culture; ±∞ as inf/-inf).")
        {
            run, table, format, output, runs,
        };
        command.SetAction(parsed =>
        {
            var folder = ReportCommand.Find(parsed.GetValue(run)!, parsed.GetValue(runs)!);
            var path = TableExport.Locate(folder, parsed.GetValue(table)!);
            var target = parsed.GetValue(output);
            using var file = target is null ? null : new StreamWriter(target, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
            var writer = file ?? parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(format) == "json")
            {
                TableExport.WriteJson(path, writer);
            }
            else
            {
                TableExport.WriteCsv(path, writer);
            }
            return CollapseCli.Ok;
        });
        return command;
    }
}
