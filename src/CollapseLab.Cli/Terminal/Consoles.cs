using Spectre.Console;

namespace CollapseLab.Cli.Terminal;

internal static class Consoles
{
    /// <summary>A Spectre console over a writer: colours and live progress only on a real terminal.</summary>
    public static IAnsiConsole For(TextWriter writer)
    {
        var interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Files and pipes have no width; wide tables should not wrap into columns of single characters.
            console.Profile.Width = 200;
        }
        return console;
    }

    /// <summary>
    /// A 64 KB-buffered writer over standard output when <paramref name="writer"/> is the console's (which flushes
    /// every line: a 16-million-row table to a pipe took 5× longer); null for any other writer. Dispose it to flush.
    /// </summary>
    public static StreamWriter? BufferedStandardOutput(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out)
            ? new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" }
            : null;
}
