using CollapseLab.Cli;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Storage;

/// <summary>
/// `show` and `compare` of runs whose folders are on another machine: everything comes from the index's tables.
/// Against the real PostgreSQL of scripts/services/postgres.sh (these fail, never skip, when it is down) and a
/// SQLite file. The statistics shown must be the very numbers of the run folder's summary.csv.
/// </summary>
[Trait("Speed", "slow")]
public class IndexOnlyRunTests
{
    private static (int Code, string Output, string Error) Collapse(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Store(string kind, string dir) => kind == "postgresql" ? Postgres.Url() : $"sqlite:{Path.Combine(dir, "team.db")}";

    /// <summary>Runs a small spec into <paramref name="runs"/> with the store, then moves its folder away: only the index knows it.</summary>
    private static (string Id, string Moved) RunAndHide(string store, string dir, string runs, int seed)
    {
        var spec = Path.Combine(dir, $"spec-{seed}.yaml");
        File.WriteAllText(spec, TestSpecs.ReplaceAndAccumulate($"indexonly-{Guid.NewGuid():N}", seed, generations: 3, replicates: 3,
            "{ source: gaussian, dim: 2, train: 20, test: 100 }", "{ family: gaussian }"));
        var run = Collapse("run", spec, "--runs", runs, "--threads", "1", "--quiet", "--store", store);
        Assert.True(run.Code == 0, run.Error);
        var folder = Directory.GetDirectories(runs).Single();
        var moved = Path.Combine(dir, "other-machine", Path.GetFileName(folder));
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(folder, moved);
        return (Path.GetFileName(folder), moved);
    }

    /// <summary>show --format csv lines without the sd column (the index keeps none), in a fixed order.</summary>
    private static List<string> WithoutSd(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => SummaryTable.SplitCsv(l.TrimEnd('\r')))
            .Select(f => string.Join(',', f.Take(10).Concat(f.Skip(11)))).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("postgresql")]
    [InlineData("sqlite")]
    public void Show_of_a_run_on_another_machine_prints_the_folder_statistics_from_the_index(string kind)
    {
        var dir = TestSpecs.TempDirectory();
        var store = Store(kind, dir);
        var (id, moved) = RunAndHide(store, dir, Path.Combine(dir, "runs"), seed: 21);
        var fromFolder = Collapse("show", moved, "--format", "csv");
        Assert.Equal(0, fromFolder.Code);

        var nowhere = Path.Combine(dir, "elsewhere");
        var fromIndex = Collapse("show", id, "--store", store, "--runs", nowhere, "--format", "csv");
        Assert.True(fromIndex.Code == 0, fromIndex.Error);
        Assert.Equal(WithoutSd(fromFolder.Output), WithoutSd(fromIndex.Output));
        Assert.Contains("not on this machine", fromIndex.Error, StringComparison.Ordinal);
        Assert.Contains("standard deviations", fromIndex.Error, StringComparison.Ordinal);

        var table = Collapse("show", id[..^2], "--store", store, "--runs", nowhere, "--metric", "mean_sq_error");
        Assert.True(table.Code == 0, table.Error);
        Assert.Contains($"{id} (complete)", table.Output, StringComparison.Ordinal);
        Assert.Contains("mean_sq_error by generation", table.Output, StringComparison.Ordinal);
        Assert.Contains("acc", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_of_two_runs_on_another_machine_writes_their_arms_from_the_postgresql_index()
    {
        var dir = TestSpecs.TempDirectory();
        var store = Store("postgresql", dir);
        var runs = Path.Combine(dir, "runs");
        var (a, _) = RunAndHide(store, dir, runs, seed: 31);
        var (b, _) = RunAndHide(store, dir, runs, seed: 32);
        var html = Path.Combine(dir, "cmp.html");
        var compare = Collapse("compare", a, b, "--store", store, "--runs", Path.Combine(dir, "elsewhere"), "-o", html);
        Assert.True(compare.Code == 0, compare.Error);
        var page = File.ReadAllText(html);
        foreach (var label in new[] { $"{a}/replace", $"{a}/acc", $"{b}/replace", $"{b}/acc" })
        {
            Assert.Contains(label, page, StringComparison.Ordinal);
        }
        Assert.Contains("mean_sq_error", page, StringComparison.Ordinal);
        Assert.Contains("is not on this machine", page, StringComparison.Ordinal);
        Assert.Contains("seed: 31", page, StringComparison.Ordinal);
        Assert.Equal(2, compare.Error.Split('\n').Count(l => l.StartsWith("read from the index", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_run_without_results_in_the_index_and_away_from_its_folder_exits_2_saying_why()
    {
        var dir = TestSpecs.TempDirectory();
        var store = Store("postgresql", dir);
        var id = $"unfinished-{Guid.NewGuid():N}";
        var index = RunStore.Parse(store, "test");
        var spec = TestSpecs.Load(TestSpecs.ReplaceAndAccumulate(id, 1, 2, 2, "{ source: gaussian, dim: 2, train: 20, test: 100 }", "{ family: gaussian }"));
        index.RecordRun(new RunInfo { Id = id, Name = id, Status = "running", Started = DateTime.UtcNow }, new RunFolder(Path.Combine(dir, "gone", id)), "spec", spec);
        var show = Collapse("show", id, "--store", store, "--runs", dir);
        Assert.Equal(CollapseCli.BadInput, show.Code);
        Assert.Contains($"run {id} is in the index", show.Error, StringComparison.Ordinal);
        Assert.Contains("status running", show.Error, StringComparison.Ordinal);
        Assert.Contains("no results for it yet", show.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", show.Error, StringComparison.Ordinal);
    }
}
