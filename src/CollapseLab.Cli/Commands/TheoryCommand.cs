using System.CommandLine;
using System.Globalization;
using CollapseLab.Cli.Terminal;
using CollapseLab.Storage;
using CollapseLab.Families.Gaussian;
using Spectre.Console;

namespace CollapseLab.Cli.Commands;

internal static class TheoryCommand
{
    private static readonly string[] Headers = ["generation", "E[tr Σ̂/tr Σ]", "E[ln det Σ̂ − ln det Σ]", "E‖μ̂−μ‖² / tr Σ"];

    public static Command Build()
    {
        var samples = new Option<int>("--samples", "-M") { Description = "Samples per generation M.", DefaultValueFactory = _ => 100 };
        var pool = new Option<int?>("--pool", "-n") { Description = "Real pool size n that generation 0 is fitted on (default: M)." };
        var dim = new Option<int>("--dim", "-d") { Description = "Dimension d.", DefaultValueFactory = _ => 1 };
        var generations = new Option<int>("--generations", "-t") { Description = "Last generation t.", DefaultValueFactory = _ => 100 };
        var estimator = new Option<string>("--estimator") { Description = "mle (divide by n) or unbiased (divide by n − 1).", DefaultValueFactory = _ => "mle" };
        estimator.AcceptOnlyFromAmong("mle", "unbiased");
        var command = new Command("theory", "Print the closed-form predictions for a Gaussian refitted on its own samples under 'replace' (Σ = I).")
        {
            samples, pool, dim, generations, estimator,
        };
        command.SetAction(parsed =>
        {
            var m = parsed.GetValue(samples);
            var n = parsed.GetValue(pool) ?? m;
            var d = parsed.GetValue(dim);
            var t = parsed.GetValue(generations);
            var unbiased = parsed.GetValue(estimator) == "unbiased";
            var minimum = unbiased ? 2 : 1;
            if (m < minimum || n < minimum || d < 1 || t < 0)
            {
                throw new CommandLineException($"need M ≥ {minimum}, n ≥ {minimum}, d ≥ 1 and t ≥ 0 (got M={m}, n={n}, d={d}, t={t}).");
            }
            var theory = new GaussianTheory(n, m, d, unbiased);
            var console = Consoles.For(parsed.InvocationConfiguration.Output);
            var table = new Table().Title($"Gaussian, d={d}, n={n}, M={m}, estimator {(unbiased ? "unbiased" : "mle")}, policy replace")
                .AddColumns(Headers.Select(Markup.Escape).ToArray());
            foreach (var g in ResultTables.Checkpoints(t))
            {
                table.AddRow(g.ToString(CultureInfo.InvariantCulture), Numbers.Short(theory.TraceRatio(g)),
                    theory.LogDetDefined ? Numbers.Short(theory.LogDetRatio(g)) : "undefined (needs n, M > d)",
                    Numbers.Short(theory.MeanSquaredErrorOverTrace(g)));
            }
            console.Write(table);
            return CollapseCli.Ok;
        });
        return command;
    }
}
