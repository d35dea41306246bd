using System.CommandLine;
using CollapseLab.Specs;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string> Runs() => new("--runs")
    {
        Description = "Folder holding run folders and the collapselab.db index.",
        DefaultValueFactory = _ => "runs",
    };

    public static Option<string?> Store() => new("--store")
    {
        Description = "The index to use instead of runs/collapselab.db: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (a team's server) or sqlite:PATH. Default: COLLAPSELAB_STORE.",
    };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a spec key without editing the file, e.g. --set replicates=10 --set data.train=50 --set arms[0].policy.fraction=0.2 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The run's compute: <paramref name="threads"/> threads and the GEMM that COLLAPSELAB_GEMM names.</summary>
    public static Compute Compute(int threads)
    {
        try
        {
            return new Compute(Gemm.KindFromEnvironment(), threads);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new SpecException($"{e.Message}.");
        }
    }
}
