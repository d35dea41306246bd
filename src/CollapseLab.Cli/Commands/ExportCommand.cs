using System.CommandLine;
using CollapseLab.Cli.Terminal;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

internal static class ExportCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var table = new Argument<string>("table") { Description = $"Which table: {string.Join(", ", TableExport.Tables.Keys)} (per-replicate metrics in long form; statistics across replicates; training-set composition; sample previews; per-sample values such as perplexities)." };
        table.AcceptOnlyFromAmong([.. TableExport.Tables.Keys]);
        var format = new Option<string>("--format") { Description = "csv, json or parquet (parquet needs --out). Reads a table stored as CSV, gzipped CSV or Parquet.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json", "parquet");
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file instead of standard output." };
        var runs = CommonOptions.Runs();
        var command = new Command("export", "Export one of a run's tables as CSV, JSON or Parquet (numbers in the invariant culture; ±∞ as inf/-inf).")
        {
            run, table, format, output, runs,
        };
        command.SetAction(parsed =>
        {
            var folder = ReportCommand.Find(parsed.GetValue(run)!, parsed.GetValue(runs)!);
            var path = TableExport.Locate(folder, parsed.GetValue(table)!);
            var target = parsed.GetValue(output);
            if (parsed.GetValue(format) == "parquet")
            {
                if (target is null)
                {
                    throw new CommandLineException("--format parquet writes a binary file: give it one with --out FILE.parquet.");
                }
                AtomicFile.Write(Path.GetFullPath(target), stream => ParquetTables.FromCsv(TableExport.Records(path), stream));
                return CollapseCli.Ok;
            }
            Action<TextWriter> write = parsed.GetValue(format) == "json" ? w => TableExport.WriteJson(path, w) : w => TableExport.WriteCsv(path, w);
            if (target is not null)
            {
                AtomicFile.WriteText(Path.GetFullPath(target), write);
                return CollapseCli.Ok;
            }
            using var buffered = Consoles.BufferedStandardOutput(parsed.InvocationConfiguration.Output);
            write(buffered ?? parsed.InvocationConfiguration.Output);
            return CollapseCli.Ok;
        });
        return command;
    }
}
