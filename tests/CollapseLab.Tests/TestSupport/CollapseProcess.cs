using System.Diagnostics;

namespace CollapseLab.Tests;

/// <summary>The `collapse` program as a separate process, as a scheduler starts it: own environment, own exit code.</summary>
internal static class CollapseProcess
{
    private static string Dotnet => Environment.ProcessPath is { } p && p.EndsWith("dotnet", StringComparison.Ordinal) ? p : "/usr/bin/dotnet";

    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Dotnet, [Path.Combine(AppContext.BaseDirectory, "collapse.dll"), .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }

    public static (int Code, string Output, string Error) Finish(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    public static (int Code, string Output, string Error) Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        return Finish(process);
    }
}
