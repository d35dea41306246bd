using System.Diagnostics;

namespace CollapseLab.Cli.Commands;

/// <summary>Runs a cluster's client program (sbatch, squeue, kubectl); a missing one is bad input saying how to get it.</summary>
internal static class ClientProgram
{
    public static (int Code, string Output, string Error) Run(string program, string arguments, string whenMissing)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CommandLineException(whenMissing);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr);
        }
    }
}
