using CollapseLab.Cli;
using CollapseLab.Running;
using CollapseLab.Running.Shards;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Storage;

/// <summary>
/// The index under concurrent shards: 8 shard processes write one PostgreSQL index and 8 write one SQLite file at
/// the same time; every chain and shard lands exactly once, no writer fails, and both stores then hold the rows an
/// unsharded run writes. Writes are upserts, so merging again and recording a chain twice change nothing.
/// </summary>
[Trait("Speed", "slow")]
public class IndexStoreTests
{
    private static readonly string Spec = TestSpecs.ReplaceAndAccumulate("index", seed: 12, generations: 3, replicates: 16, "{ source: gaussian, dim: 2, train: 20, test: 100 }", "{ family: gaussian }");

    private const int Chains = 32;
    private const int Shards = 8;

    private static readonly string[] ResultTables = ["arms", "generations", "metrics", "composition"];

    /// <summary>A table's rows without their run id, so two runs' rows compare.</summary>
    private static List<string> Rows(IRunIndex index, string table, string run) =>
        index.Rows(table, run).Select(r => r[(r.IndexOf('|', StringComparison.Ordinal) + 1)..]).ToList();

    private static void Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        Assert.True(code == 0, $"collapse {string.Join(' ', args)} exited {code}: {error}");
    }

    [Fact]
    public void Eight_concurrent_shards_on_each_store_land_every_row_once_and_merge_to_the_unsharded_rows()
    {
        var url = Postgres.Url();
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, Spec);
        // The same run id on both stores (the folder's name), unique to this test in the shared server.
        var id = $"index-{Guid.NewGuid():N}";
        var onSqlite = Path.Combine(dir, "sqlite", id);
        var onPostgres = Path.Combine(dir, "postgres", id);
        var processes = Enumerable.Range(0, Shards).SelectMany(i => new[]
        {
            CollapseProcess.Start(["run", spec, "--shard", $"{i}/{Shards}", "--out", onSqlite, "--threads", "1", "--quiet"]),
            CollapseProcess.Start(["run", spec, "--shard", $"{i}/{Shards}", "--out", onPostgres, "--threads", "1", "--quiet"],
                new Dictionary<string, string> { [RunStore.Variable] = url }),
        }).ToList();
        foreach (var process in processes)
        {
            var (code, _, error) = CollapseProcess.Finish(process);
            Assert.True(code == 0, $"a shard exited {code}: {error}");
            process.Dispose();
        }
        var sqlite = new SqliteIndex(Path.GetDirectoryName(onSqlite)!);
        var postgres = RunStore.Parse(url, "test");
        foreach (var index in new[] { sqlite, postgres })
        {
            Assert.Equal(Chains, index.Rows("chains", id).Count);
            Assert.Equal(Chains, index.Rows("chains", id).Select(r => string.Join('|', r.Split('|')[1..3])).Distinct().Count());
            Assert.Equal(Enumerable.Repeat("done", Shards), index.Rows("shards", id).Select(r => r.Split('|')[4]));
        }
        Cli("merge", onSqlite, "--quiet");
        Cli("merge", onPostgres, "--quiet", "--store", url);
        Cli("merge", onPostgres, "--quiet", "--store", url);
        var unsharded = RunSession.Start(TestSpecs.Load(Spec), Path.Combine(dir, "unsharded"), 2);
        Assert.True(unsharded.Execute(CancellationToken.None));
        var reference = new SqliteIndex(Path.Combine(dir, "unsharded"));
        foreach (var table in ResultTables)
        {
            var expected = Rows(reference, table, unsharded.Folder.Id);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Rows(sqlite, table, id));
            Assert.Equal(expected, Rows(postgres, table, id));
        }
        Assert.Equal(Rows(sqlite, "chains", id), Rows(postgres, "chains", id));
        Assert.Single(postgres.Runs(), r => r.Id == id && r.Status == "complete");
    }

    [Fact]
    public void Recording_a_chain_or_shard_again_keeps_one_row_on_both_stores()
    {
        var url = Postgres.Url();
        var id = $"again-{Guid.NewGuid():N}";
        var manifest = new ShardManifest { SpecHash = "h", Shard = 0, Shards = 1, Status = "running", Chains = 2, Completed = 0, Seconds = 0 };
        foreach (var index in new[] { RunStore.Parse(url, "test"), new SqliteIndex(TestSpecs.TempDirectory()) })
        {
            for (var k = 0; k < 3; k++)
            {
                index.RecordChains(id, 0, [(1, 2, "address")]);
                index.RecordShard(id, manifest with { Status = k == 2 ? "done" : "running" });
            }
            Assert.Equal(["1|2|address|0"], Rows(index, "chains", id));
            Assert.Equal("done", Assert.Single(index.Rows("shards", id)).Split('|')[4]);
        }
    }

    [Fact]
    public void List_and_show_read_a_run_from_the_postgresql_index()
    {
        var url = Postgres.Url();
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, Spec.Replace("replicates: 16", "replicates: 2", StringComparison.Ordinal));
        var runs = Path.Combine(dir, "runs");
        Cli("run", spec, "--runs", runs, "--threads", "1", "--quiet", "--store", url);
        var id = Path.GetFileName(Directory.GetDirectories(runs).Single());
        using var listed = new StringWriter();
        Assert.Equal(0, CollapseCli.Run(["list", "--store", url], listed, TextWriter.Null));
        Assert.Contains(id, listed.ToString(), StringComparison.Ordinal);
        // Found through the index alone: the runs folder given is not where the run is.
        using var shown = new StringWriter();
        using var error = new StringWriter();
        Assert.True(CollapseCli.Run(["show", id, "--store", url, "--runs", Path.Combine(dir, "elsewhere"), "--format", "csv"], shown, error) == 0, error.ToString());
        Assert.Contains("mean_sq_error", shown.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(runs, SqliteIndex.FileName)), "a run with --store writes no SQLite index");
    }
}
