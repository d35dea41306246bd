using System.CommandLine;
using CollapseLab.Cli.Commands;
using CollapseLab.Specs;
using CollapseLab.Storage;

namespace CollapseLab.Cli;

/// <summary>The `collapse` program: exit 0 on success, 1 on an internal error, 2 on bad input.</summary>
public static class CollapseCli
{
    public const int Ok = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("CollapseLab: run model-collapse experiments (generative models trained on their own output), measure them against real data and theory, and report.");
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(ValidateCommand.Build());
        root.Subcommands.Add(TheoryCommand.Build());
        root.Subcommands.Add(ListCommand.Build());
        root.Subcommands.Add(ShowCommand.Build());
        root.Subcommands.Add(ReportCommand.Build());
        root.Subcommands.Add(CompareCommand.Build());
        root.Subcommands.Add(ExportCommand.Build());
        root.Subcommands.Add(SampleCommand.Build());
        root.Subcommands.Add(MergeCommand.Build());
        root.Subcommands.Add(SubmitCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(DetectCommand.Build());
        root.Subcommands.Add(WatchCommand.Build());
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(ExportModelCommand.Build());
        root.Subcommands.Add(ScoreCommand.Build());
        root.Subcommands.Add(PlanCommand.Build());
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }
            error.WriteLine("Run 'collapse --help' (or 'collapse COMMAND --help') for usage.");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is SpecException or RunFolderException or CommandLineException or StoreException)
        {
            error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.Message}");
            error.WriteLine(e.ToString());
            return InternalError;
        }
    }
}
