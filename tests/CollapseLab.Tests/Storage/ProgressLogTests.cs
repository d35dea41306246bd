using CollapseLab.Dashboard.Live;
using CollapseLab.Running;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Storage;

/// <summary>progress.csv holds each generation's values exactly as the chains computed them, and changes no result.</summary>
public sealed class ProgressLogTests
{
    private const string Yaml = """
        name: progress
        seed: 11
        generations: 12
        replicates: 3
        data: { source: gaussian, dim: 2, std: 1.0, train: 15, test: 100 }
        model: { family: gaussian, estimator: mle }
        metrics: [trace_ratio, kl, w2]
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: "keep, real", policy: { kind: keep-real, fraction: 0.2 } }
        """;

    [Fact]
    public void EveryGenerationIsLoggedOnce_WithTheChainsBits_AndResultsAreUnchanged()
    {
        var spec = TestSpecs.Load(Yaml);
        var plain = TestSpecs.Run(spec);
        var folder = RunFolder.Create(TestSpecs.TempDirectory(), spec.Name, DateTime.UtcNow);
        File.WriteAllText(folder.File(RunFolder.SpecFile), ResolvedYaml.Write(spec.Resolved));
        var logged = new ExperimentRunner(spec, folder, 2).Run(CancellationToken.None)!;

        for (var i = 0; i < plain.Length; i++)
        {
            Assert.Equal(plain[i].Values, logged[i].Values);
        }
        var lines = File.ReadAllLines(folder.File(ProgressLog.FileName));
        Assert.Equal("arm,replicate,generation,trace_ratio,kl,w2,collapsed,real_share", lines[0]);
        Assert.Equal(spec.ChainCount * (spec.Generations + 1), lines.Length - 1);

        var tail = new ProgressTail(folder.File(ProgressLog.FileName), RunOutline.Read(folder));
        Assert.True(tail.Read());
        Assert.Equal(lines.Length - 1, tail.Steps);
        foreach (var chain in logged)
        {
            var seen = tail.Chains[(chain.Arm, chain.Replicate)];
            Assert.Equal(spec.Generations, seen.Latest);
            Assert.Equal(chain.Values, seen.Values);
        }
    }

    [Fact]
    public void Tail_ReadsOnlyWholeLines_AndKeepsTheLatestOfARepeatedGeneration()
    {
        var dir = TestSpecs.TempDirectory();
        var folder = new RunFolder(dir);
        File.WriteAllText(folder.File(RunFolder.SpecFile), "name: t\ngenerations: 3\nreplicates: 1\nmetrics: [variance, kl]\narms:\n  - name: a\n");
        var path = folder.File(ProgressLog.FileName);
        File.WriteAllText(path, "arm,replicate,generation,kl,variance\n0,0,0,0.5,1\n0,0,1,0.7,0.");
        var tail = new ProgressTail(path, RunOutline.Read(folder));

        Assert.True(tail.Read());
        Assert.Equal(1, tail.Steps);
        Assert.Equal(1.0, tail.Chains[(0, 0)].Value(0, 0));   // columns matched by name, not position
        Assert.Equal(0.5, tail.Chains[(0, 0)].Value(0, 1));
        File.AppendAllText(path, "9\n0,0,1,0.8,0.95\n");
        Assert.True(tail.Read());
        Assert.Equal(2, tail.Steps);
        Assert.Equal(0.95, tail.Chains[(0, 0)].Value(1, 0));
        Assert.False(tail.Read());
    }
}
