using System.Diagnostics;
using CollapseLab.Cli;
using CollapseLab.Running;
using CollapseLab.Running.Shards;
using CollapseLab.Storage;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tests.Cli;

namespace CollapseLab.Tests.Running.Shards;

/// <summary>
/// Sharded runs through a real single-node Slurm, started by the test command (scripts/services/slurm.sh). Without
/// one these tests fail and say why; they never skip.
/// </summary>
[Trait("Speed", "slow")]
[Collection("slurm")]
public class SlurmTests
{
    private static readonly string Spec = TestSpecs.ReplaceAndAccumulate("slurm", seed: 9, generations: 8, replicates: 4, "{ source: gaussian, dim: 2, train: 30, test: 200 }", "{ family: gaussian }");

    private const string Language = """
        name: slurm-text
        seed: 5
        generations: 3
        replicates: 4
        data: { source: zipf, vocab: 40, train: 60, test: 100, block: 12 }
        model: { family: ngram, order: 2 }
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: acc, policy: { kind: accumulate } }
        """;

    private const string Kde = """
        name: slurm-kde
        seed: 6
        generations: 4
        replicates: 4
        data: { source: moons, dim: 2, train: 40, test: 200 }
        model: { family: kde, kernel: gaussian, bandwidth: 0.5 }
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: subsample, policy: { kind: accumulate-subsample, size: 40 } }
        """;

    private static void RequireSlurm()
    {
        const string conf = "/tmp/collapselab-slurm/slurm.conf";
        if (File.Exists(conf))
        {
            Environment.SetEnvironmentVariable("SLURM_CONF", conf);
        }
        string why;
        try
        {
            using var sinfo = Process.Start(new ProcessStartInfo("sinfo", "-h -o %T") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var states = sinfo.StandardOutput.ReadToEnd();
            var error = sinfo.StandardError.ReadToEnd();
            sinfo.WaitForExit();
            if (sinfo.ExitCode == 0 && states.Length > 0)
            {
                return;
            }
            why = $"sinfo exited {sinfo.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            why = $"sinfo cannot run ({e.Message}): slurm-wlm is not installed";
        }
        Assert.Fail($"no Slurm cluster answers ({why}). The test command starts one with scripts/services/slurm.sh (as root, with slurm-wlm and munge installed); run it and see /tmp/collapselab-slurm/log.");
    }

    private static string Write(string yaml)
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "spec.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static void Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        Assert.True(code == 0, $"collapse {string.Join(' ', args)} exited {code}: {error}");
    }

    /// <summary>Waits for the merge job to mark the run complete.</summary>
    private static void AwaitMerge(string folder)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(4))
        {
            if (RunInfo.Load(new RunFolder(folder)) is { Status: "complete" })
            {
                return;
            }
            Thread.Sleep(500);
        }
        var logs = Directory.Exists(Path.Combine(folder, "slurm"))
            ? string.Join("\n", Directory.GetFiles(Path.Combine(folder, "slurm"), "*.out").Select(f => $"{Path.GetFileName(f)}: {File.ReadAllText(f)}"))
            : "no slurm logs";
        Assert.Fail($"the merge job did not complete {folder} within 4 minutes; job output:\n{logs}");
    }

    private static string Unsharded(string specPath)
    {
        var session = RunSession.Start(TestSpecs.Load(File.ReadAllText(specPath)), TestSpecs.TempDirectory(), 2);
        Assert.True(session.Execute(CancellationToken.None));
        return session.Folder.Path;
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        foreach (var file in new[] { "metrics.csv", "summary.csv", "composition.csv", "samples.csv" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(expected, file)), File.ReadAllText(Path.Combine(actual, file)));
        }
    }

    private static int Computed(string folder) =>
        Directory.GetFiles(Path.Combine(folder, "shards"), "chains.log", SearchOption.AllDirectories).Sum(f => File.ReadAllLines(f).Length);

    [Fact]
    public void Eight_shards_through_sbatch_merge_to_the_unsharded_files()
    {
        RequireSlurm();
        var spec = Write(Spec);
        var folder = Path.Combine(TestSpecs.TempDirectory(), "run");
        Cli("submit", spec, "--slurm", "--shards", "8", "--parallel", "4", "--out", folder);
        Assert.Contains("--shards 8 --out", File.ReadAllText(Path.Combine(folder, "slurm", "array.sbatch")), StringComparison.Ordinal);
        AwaitMerge(folder);
        AssertSameFiles(Unsharded(spec), folder);
        Assert.Equal(8, Computed(folder));
    }

    [Theory]
    [InlineData(Language)]
    [InlineData(Kde)]
    public void A_language_and_a_kde_spec_through_sbatch_merge_to_the_unsharded_files(string yaml)
    {
        RequireSlurm();
        var spec = Write(yaml);
        var folder = Path.Combine(TestSpecs.TempDirectory(), "run");
        Cli("submit", spec, "--slurm", "--shards", "8", "--out", folder);
        AwaitMerge(folder);
        AssertSameFiles(Unsharded(spec), folder);
        Assert.Equal(8, Computed(folder));
    }

    [Fact]
    public void A_stopped_shard_is_resubmitted_alone_and_no_chain_runs_twice()
    {
        RequireSlurm();
        var spec = Write(Spec);
        var folder = Path.Combine(TestSpecs.TempDirectory(), "run");
        Cli("submit", spec, "--slurm", "--shards", "3", "--out", folder, "--dry-run");
        using var stop = new CancellationTokenSource();
        var stopped = new ShardRun(TestSpecs.Load(Spec), folder, 1, 3, new Compute(GemmKind.Managed, 1),
            new RunnerOptions(TimeSpan.Zero, done =>
            {
                if (done >= 12)
                {
                    stop.Cancel();
                }
            }));
        Assert.False(stopped.Execute(stop.Token));
        var before = Computed(folder);
        Assert.InRange(before, 1, stopped.Slots.Count - 1);
        Cli("submit", "--resume", folder);
        AwaitMerge(folder);
        AssertSameFiles(Unsharded(spec), folder);
        Assert.Equal(8, Computed(folder));
    }
}
