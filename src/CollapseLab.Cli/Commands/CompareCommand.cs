using System.CommandLine;
using CollapseLab.Reports;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

internal static class CompareCommand
{
    public static Command Build()
    {
        var runArgs = new Argument<string[]>("runs") { Description = "Two or more run folders or ids.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the HTML file.", Required = true };
        var runs = CommonOptions.Runs();
        var store = CommonOptions.Store();
        var command = new Command("compare", "Write one HTML report overlaying the arms of several runs (arm names prefixed by run id).")
        {
            runArgs, output, runs, store,
        };
        command.SetAction(parsed =>
        {
            var names = parsed.GetValue(runArgs)!;
            if (names.Length < 2)
            {
                throw new CommandLineException($"compare needs at least two runs, got {names.Length}; for one run use 'collapse report {names.FirstOrDefault() ?? "RUN"}'.");
            }
            var records = names.Select(n => IndexedRuns.Find(n, parsed.GetValue(runs)!, parsed.GetValue(store))).ToList();
            var duplicate = records.GroupBy(r => r.Folder.Path).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new CommandLineException($"run {duplicate.First().Id} is named twice; compare different runs.");
            }
            var path = ReportBuilder.Compare(records, parsed.GetValue(output)!);
            foreach (var note in records.Select(r => r.IndexNote).OfType<string>())
            {
                parsed.InvocationConfiguration.Error.WriteLine($"read from {note}.");
            }
            parsed.InvocationConfiguration.Output.WriteLine($"report: {path}");
            return CollapseCli.Ok;
        });
        return command;
    }
}
