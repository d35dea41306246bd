using CollapseLab.Cli;
using CollapseLab.Tests.Cli;
using CollapseLab.Running;
using CollapseLab.Running.Shards;
using CollapseLab.Storage;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tests.Running.Shards;

/// <summary>A run split into shards and merged gives the files of the same run unsharded, whatever happens to the shards.</summary>
[Trait("Speed", "slow")]
public class ShardTests
{
    private const string Language = """
        name: shard-text
        seed: 5
        generations: 3
        replicates: 3
        data: { source: zipf, vocab: 40, train: 60, test: 100, block: 12 }
        model: { family: ngram, order: 2 }
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: acc, policy: { kind: accumulate } }
        """;

    private static readonly string[] Files = ["metrics.csv", "summary.csv", "composition.csv", "samples.csv"];

    private static Compute One => new(GemmKind.Managed, 1);

    private static Dictionary<string, string> Unsharded(string yaml)
    {
        var session = RunSession.Start(TestSpecs.Load(yaml), TestSpecs.TempDirectory(), 2);
        Assert.True(session.Execute(CancellationToken.None));
        return Files.Where(f => File.Exists(session.Folder.File(f))).ToDictionary(f => f, f => File.ReadAllText(session.Folder.File(f)));
    }

    private static string RunShards(string yaml, int shards, string? directory = null)
    {
        directory ??= Path.Combine(TestSpecs.TempDirectory(), "sharded");
        for (var i = 0; i < shards; i++)
        {
            Assert.True(new ShardRun(TestSpecs.Load(yaml), directory, i, shards, One).Execute(CancellationToken.None));
        }
        return directory;
    }

    private static int Computed(string directory) =>
        Directory.GetFiles(Path.Combine(directory, "shards"), "chains.log", SearchOption.AllDirectories).Sum(f => File.ReadAllLines(f).Length);

    [Theory]
    [InlineData(DeterminismTests.Spec, 1)]
    [InlineData(DeterminismTests.Spec, 8)]
    [InlineData(Language, 4)]
    public void Shards_merge_to_the_files_of_the_unsharded_run(string yaml, int shards)
    {
        var expected = Unsharded(yaml);
        var directory = RunShards(yaml, shards);
        ShardMerge.Merge(directory);
        foreach (var (file, text) in expected)
        {
            Assert.Equal(text, File.ReadAllText(Path.Combine(directory, file)));
        }
        ShardMerge.Merge(directory);
        Assert.Equal(expected["metrics.csv"], File.ReadAllText(Path.Combine(directory, "metrics.csv")));
        Assert.Equal(TestSpecs.Load(yaml).ChainCount, Computed(directory));
        Assert.Equal("complete", RunInfo.Load(new RunFolder(directory))!.Status);
    }

    [Fact]
    public void The_plan_gives_every_chain_to_exactly_one_shard_and_balances_their_cost()
    {
        var spec = TestSpecs.Load(DeterminismTests.Spec);
        var plan = ShardPlan.Assign(spec, 4);
        var slots = Enumerable.Range(0, 4).SelectMany(i => ShardPlan.Slots(spec, i, 4)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, spec.ChainCount), slots);
        var costs = Enumerable.Range(0, 4)
            .Select(i => Enumerable.Range(0, plan.Length).Where(s => plan[s] == i).Sum(s => ShardPlan.Cost(spec.Arms[s % spec.Arms.Count], spec.Generations)))
            .ToArray();
        var largest = spec.Arms.Max(a => ShardPlan.Cost(a, spec.Generations));
        Assert.True(costs.Max() - costs.Min() <= largest, $"loads {string.Join(", ", costs)} differ by more than one chain ({largest})");
    }

    [Fact]
    public void A_stopped_shard_rerun_finishes_without_computing_any_chain_twice()
    {
        var expected = Unsharded(DeterminismTests.Spec);
        var directory = Path.Combine(TestSpecs.TempDirectory(), "sharded");
        using var stop = new CancellationTokenSource();
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= 3)
            {
                stop.Cancel();
            }
        });
        var first = new ShardRun(TestSpecs.Load(DeterminismTests.Spec), directory, 1, 3, One, options);
        Assert.False(first.Execute(stop.Token));
        Assert.Equal("stopped", ShardManifest.Load(new RunFolder(first.Folder))!.Status);
        var error = Assert.Throws<RunFolderException>(() => ShardMerge.Merge(directory));
        Assert.Contains("0 (missing), 1 (stopped), 2 (missing)", error.Message, StringComparison.Ordinal);

        RunShards(DeterminismTests.Spec, 3, directory);
        var computed = Computed(directory);
        Assert.Equal(TestSpecs.Load(DeterminismTests.Spec).ChainCount, computed);
        RunShards(DeterminismTests.Spec, 3, directory);
        Assert.Equal(computed, Computed(directory));
        ShardMerge.Merge(directory);
        Assert.Equal(expected["metrics.csv"], File.ReadAllText(Path.Combine(directory, "metrics.csv")));
    }

    [Fact]
    public void The_folders_resolved_spec_runs_shards_of_the_same_run()
    {
        var expected = Unsharded(Language);
        var directory = Path.Combine(TestSpecs.TempDirectory(), "sharded");
        Assert.True(new ShardRun(TestSpecs.Load(Language), directory, 0, 2, One).Execute(CancellationToken.None));
        var resolved = CollapseLab.Specs.SpecLoader.LoadFile(Path.Combine(directory, RunFolder.SpecFile));
        Assert.True(new ShardRun(resolved, directory, 1, 2, One).Execute(CancellationToken.None));
        ShardMerge.Merge(directory);
        Assert.Equal(expected["metrics.csv"], File.ReadAllText(Path.Combine(directory, "metrics.csv")));
    }

    [Fact]
    public void Shards_of_another_spec_are_refused_in_the_folder()
    {
        var directory = RunShards(BadInputTests.Good, 1);
        var error = Assert.Throws<RunFolderException>(() =>
            new ShardRun(TestSpecs.Load(BadInputTests.Good, "replicates=3"), directory, 0, 1, One));
        Assert.Contains("holds shards of another spec", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shard 4 of 4 does not exist", "--shard", "4/4", "--out", "x")]
    [InlineData("the shard count must be at least 1", "--shard", "0/0", "--out", "x")]
    [InlineData("a shard needs the run's folder", "--shard", "1/3")]
    [InlineData("write the shard as I/N", "--shard", "one/3", "--out", "x")]
    [InlineData("neither is set", "--shards", "3", "--out", "x")]
    public void Bad_shard_options_exit_2_with_the_reason(string expected, params string[] options)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, BadInputTests.Good);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CollapseCli.Run(["run", path, "--quiet", .. options], output, error));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Merging_an_incomplete_run_from_the_command_line_exits_2_naming_the_missing_shards()
    {
        var directory = Path.Combine(TestSpecs.TempDirectory(), "sharded");
        Assert.True(new ShardRun(TestSpecs.Load(BadInputTests.Good), directory, 0, 3, One).Execute(CancellationToken.None));
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CollapseCli.Run(["merge", directory, "--quiet"], output, error));
        Assert.Contains("2 of 3 shards are not done: 1 (missing), 2 (missing)", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "metrics.csv")));
    }
}
