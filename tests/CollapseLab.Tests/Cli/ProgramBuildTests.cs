using CollapseLab.Cli;
using CollapseLab.Cli.Commands;

namespace CollapseLab.Tests.Cli;

/// <summary>submit says which build its scripts run and whether it is ReadyToRun, read from the assemblies' PE headers.</summary>
public class ProgramBuildTests
{
    [Fact]
    public void The_runtime_library_is_ReadyToRun_and_this_test_build_of_the_cli_is_not()
    {
        // The shared framework ships precompiled; `dotnet build` leaves our assemblies as IL only.
        Assert.True(ProgramBuild.IsReadyToRun(typeof(object).Assembly.Location));
        Assert.False(ProgramBuild.IsReadyToRun(typeof(CollapseCli).Assembly.Location));
        Assert.Contains(ProgramBuild.OwnAssemblies(), p => Path.GetFileName(p) == "CollapseLab.dll");
        Assert.Contains(ProgramBuild.OwnAssemblies(), p => Path.GetFileName(p) == "collapse.dll");
    }

    [Fact]
    public void A_slurm_dry_run_names_the_program_its_scripts_run_and_hints_at_the_ready_to_run_publish()
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, TestSpecs.ReplaceAndAccumulate("build", 1, 2, 2, "{ source: gaussian, dim: 2, train: 20, test: 50 }", "{ family: gaussian }"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(["submit", spec, "--slurm", "--shards", "2", "--out", Path.Combine(dir, "run"), "--dry-run"], output, error);
        Assert.True(code == 0, error.ToString());
        var line = output.ToString().Split('\n').Single(l => l.StartsWith("shards run ", StringComparison.Ordinal));
        Assert.Contains(typeof(CollapseCli).Assembly.Location, line, StringComparison.Ordinal);
        Assert.Contains("a JIT build (not ReadyToRun)", line, StringComparison.Ordinal);
        Assert.Contains("scripts/publish.sh", line, StringComparison.Ordinal);
        var array = File.ReadAllText(Path.Combine(dir, "run", "slurm", "array.sbatch"));
        Assert.Contains(ProgramBuild.CommandLine(), array, StringComparison.Ordinal);
        // Shards on different machines must multiply with the same GEMM; auto could choose differently on each.
        Assert.Contains($"export COLLAPSELAB_GEMM={ShardGemm.Kind}\n", array, StringComparison.Ordinal);
    }
}
