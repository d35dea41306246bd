using System.CommandLine;
using System.Globalization;
using CollapseLab.Cli.Terminal;
using CollapseLab.Reports;
using CollapseLab.Specs;
using CollapseLab.Storage;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

internal static class ShowCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "Run folder or id (see 'collapse list')." };
        var metric = new Option<string[]>("--metric", "-m") { Description = "Metric(s) to show (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var every = new Option<int?>("--every") { Description = "Show every k-th generation (default: six columns, 0 to the last)." };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var runs = CommonOptions.Runs();
        var store = CommonOptions.Store();
        var command = new Command("show", "Show a run's metrics by generation per arm: mean ± 95% interval across replicates, with theory where it exists.")
        {
            run, metric, every, format, runs, store,
        };
        command.SetAction(parsed =>
        {
            var record = IndexedRuns.Find(parsed.GetValue(run)!, parsed.GetValue(runs)!, parsed.GetValue(store));
            var output = parsed.InvocationConfiguration.Output;
            var rows = record.Summary;
            var metrics = rows.Select(r => r.Metric).Distinct().ToList();
            var chosen = parsed.GetValue(metric) is { Length: > 0 } picked ? picked : metrics.ToArray();
            foreach (var m in chosen.Where(m => !metrics.Contains(m)))
            {
                throw new RunFolderException($"--metric {m}: this run has no such metric.{Suggestions.DidYouMean(m, metrics)} It has: {string.Join(", ", metrics)}.");
            }
            var last = rows.Max(r => r.Generation);
            var step = parsed.GetValue(every) ?? Math.Max(1, last / 5);
            if (step < 1)
            {
                throw new CommandLineException($"--every must be at least 1, got {step}.");
            }
            var generations = Enumerable.Range(0, last + 1).Where(g => g % step == 0 || g == last).ToHashSet();
            var selected = rows.Where(r => chosen.Contains(r.Metric) && generations.Contains(r.Generation)).ToList();
            if (record.IndexNote is { } note)
            {
                // On the error stream, so csv and json output stay machine-readable.
                parsed.InvocationConfiguration.Error.WriteLine($"read from {note}.");
            }
            switch (parsed.GetValue(format))
            {
                case "csv":
                    output.WriteLine("arm,generation,metric,n,mean,ci_low,ci_high,median,theory,n_finite,sd,q025,q975");
                    foreach (var r in selected)
                    {
                        output.WriteLine(string.Join(',', CsvExporter.Quote(r.Arm), r.Generation, r.Metric, r.Count, Numbers.Format(r.Mean),
                            Numbers.Format(r.CiLow), Numbers.Format(r.CiHigh), Numbers.Format(r.Median), Numbers.Format(r.Theory),
                            r.Finite, Numbers.Format(r.StdDev), Numbers.Format(r.QuantileLow), Numbers.Format(r.QuantileHigh)));
                    }
                    break;
                case "json":
                    WriteJson(output, record.Id, selected);
                    break;
                default:
                    WriteTables(Consoles.For(output), record, selected, chosen);
                    break;
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    /// <summary>One table per metric: a row per arm (and its theory, where it exists), a column per generation shown.</summary>
    private static void WriteTables(IAnsiConsole console, RunRecord run, List<SummaryRow> rows, IEnumerable<string> metrics)
    {
        console.MarkupLine($"[bold]{Markup.Escape(run.Id)}[/] ({run.Info?.Status}): mean ± 95% interval across replicates");
        var arms = rows.Select(r => r.Arm).Distinct().ToList();
        foreach (var metric in metrics)
        {
            var mine = rows.Where(r => r.Metric == metric).ToDictionary(r => (r.Arm, r.Generation));
            var generations = mine.Keys.Select(k => k.Generation).Distinct().Order().ToList();
            var table = new Table().Title($"[bold]{Markup.Escape(metric)}[/] by generation");
            table.AddColumn("arm");
            foreach (var g in generations)
            {
                table.AddColumn(new TableColumn(g.ToString(CultureInfo.InvariantCulture)).RightAligned());
            }
            foreach (var arm in arms)
            {
                var cells = generations.Select(g => mine[(arm, g)]).ToList();
                table.AddRow([Markup.Escape(arm), .. cells.Select(r => Markup.Escape(ResultTables.Cell(Stat(r) with { Theory = null })))]);
                if (cells.Any(r => r.Theory is not null))
                {
                    table.AddRow(["  [dim]theory[/]", .. cells.Select(r => $"[dim]{Numbers.Short(r.Theory ?? double.NaN)}[/]")]);
                }
            }
            console.Write(table);
        }
    }

    private static Summaries.Statistic Stat(SummaryRow r) =>
        new(r.Count, r.Finite, r.Mean, r.StdDev, r.CiLow, r.CiHigh, r.Median, r.QuantileLow, r.QuantileHigh, r.Theory);

    private static void WriteJson(TextWriter output, string id, List<SummaryRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("run", id);
            w.WriteStartArray("rows");
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteString("arm", r.Arm);
                w.WriteNumber("generation", r.Generation);
                w.WriteString("metric", r.Metric);
                w.WriteNumber("n", r.Count);
                JsonExporter.WriteNumber(w, "mean", r.Mean);
                JsonExporter.WriteNumber(w, "ci_low", r.CiLow);
                JsonExporter.WriteNumber(w, "ci_high", r.CiHigh);
                JsonExporter.WriteNumber(w, "median", r.Median);
                JsonExporter.WriteNumber(w, "theory", r.Theory ?? double.NaN);
                w.WriteNumber("n_finite", r.Finite);
                JsonExporter.WriteNumber(w, "sd", r.StdDev);
                JsonExporter.WriteNumber(w, "q025", r.QuantileLow);
                JsonExporter.WriteNumber(w, "q975", r.QuantileHigh);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
