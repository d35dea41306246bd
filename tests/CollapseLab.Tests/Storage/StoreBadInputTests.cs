using CollapseLab.Cli;

namespace CollapseLab.Tests.Storage;

/// <summary>A store that cannot be used, and a cluster client that is missing: exit 2, a message saying what to change, no stack trace.</summary>
public class StoreBadInputTests
{
    private const string Spec = """
        name: bad-store
        generations: 1
        replicates: 2
        data: { source: gaussian, dim: 1, train: 10, test: 20 }
        model: { family: gaussian }
        """;

    private static (int Code, string Error, string Dir) Run(params string[] args)
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, Spec);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run([.. args.Select(a => a.Replace("SPEC", spec, StringComparison.Ordinal).Replace("DIR", dir, StringComparison.Ordinal))], output, error);
        return (code, error.ToString(), dir);
    }

    [Theory]
    [InlineData("mysql://u@h/db", "neither postgresql:// nor sqlite:")]
    [InlineData("postgresql://u@/db", "no host")]
    [InlineData("postgresql://u@h:99999/db", "no host")]
    [InlineData("postgresql://u@h:5432", "name one database")]
    [InlineData("postgresql://u@h:5432/db?Bogus=1", "'Bogus'")]
    [InlineData("sqlite:", "name the database file")]
    public void A_malformed_store_url_exits_2_saying_what_to_write(string url, string expected)
    {
        var (code, error, dir) = Run("run", "SPEC", "--runs", "DIR/runs", "--quiet", "--store", url);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "runs")), "nothing is written before the store is known to work");
    }

    [Fact]
    public void A_password_in_a_malformed_url_is_not_printed()
    {
        var (code, error, _) = Run("list", "--store", "postgresql://me:secret@h:5432");
        Assert.Equal(2, code);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_database_exits_2_naming_its_host_and_port()
    {
        // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
        var (code, error, _) = Run("run", "SPEC", "--shard", "0/2", "--out", "DIR/run", "--quiet", "--store", "postgresql://u@127.0.0.1:1/collapselab");
        Assert.Equal(2, code);
        Assert.Contains("127.0.0.1:1", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Submitting_without_sbatch_exits_2_naming_the_debian_package()
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, Spec);
        var (code, _, error) = CollapseProcess.Run(["submit", spec, "--slurm", "--shards", "2", "--out", Path.Combine(dir, "run")],
            new Dictionary<string, string> { ["PATH"] = dir });
        Assert.Equal(2, code);
        Assert.Contains("slurm-client", error, StringComparison.Ordinal);
        Assert.Contains("slurm-wlm", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
