using Spectre.Console;

namespace CollapseLab.Cli.Terminal;

internal static class Consoles
{
    /// <summary>A Spectre console over a writer: colours and live progress only on a real terminal.</summary>
    public static IAnsiConsole For(TextWriter writer)
    {
        var interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }
}
