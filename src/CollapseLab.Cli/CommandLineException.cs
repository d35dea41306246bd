namespace CollapseLab.Cli;

/// <summary>A command-line value out of range or in conflict (e.g. --threads 0): bad input, exit code 2.</summary>
internal sealed class CommandLineException : Exception
{
    public CommandLineException(string message) : base(message) { }

    public CommandLineException(string message, Exception inner) : base(message, inner) { }

    public CommandLineException() { }
}
