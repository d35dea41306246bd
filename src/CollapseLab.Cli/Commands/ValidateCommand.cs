using System.CommandLine;
using CollapseLab.Cli.Terminal;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Build()
    {
        var spec = new Argument<string>("spec") { Description = "Experiment spec (YAML) to check." };
        var set = CommonOptions.Set();
        var command = new Command("validate", "Check a spec (keys, types, ranges, data files) without running it; exit 2 with the reason if it is bad.") { spec, set };
        command.SetAction(parsed =>
        {
            var experiment = RunCommand.LoadSpec(parsed.GetValue(spec), parsed.GetValue(set) ?? []);
            var console = Consoles.For(parsed.InvocationConfiguration.Output);
            console.MarkupLine($"[green]valid[/]: {Markup.Escape(experiment.Name)} — {experiment.Arms.Count} arm(s) × {experiment.Replicates} replicate(s) × {experiment.Generations + 1} generations");
            var table = new Table().AddColumns("arm", "family", "policy", "samples/gen", "data");
            foreach (var arm in experiment.Arms)
            {
                table.AddRow(Markup.Escape(arm.Name), arm.Family.Name, Markup.Escape(arm.Policy.Describe()), arm.SamplesPerGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(arm.Data.Describe()));
            }
            console.Write(table);
            console.MarkupLine($"metrics: {Markup.Escape(string.Join(", ", experiment.Metrics.Select(m => m.Name)))}");
            return CollapseCli.Ok;
        });
        return command;
    }
}
