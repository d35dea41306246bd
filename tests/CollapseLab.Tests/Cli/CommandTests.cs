using CollapseLab.Cli;

namespace CollapseLab.Tests.Cli;

public class CommandTests
{
    private static (int Code, string Output, string Error) Collapse(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_show_list_round_trip_on_a_small_default()
    {
        var runs = Path.Combine(TestSpecs.TempDirectory(), "runs");
        var run = Collapse("run", "--runs", runs, "--set", "replicates=3", "--set", "generations=10", "--threads", "2");
        Assert.Equal(0, run.Code);
        Assert.Contains("Generation 10", run.Output, StringComparison.Ordinal);
        Assert.Contains("keep-real-10%", run.Output, StringComparison.Ordinal);
        var id = Path.GetFileName(Directory.GetDirectories(runs).Single());

        var list = Collapse("list", "--runs", runs);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.Contains("complete", list.Output, StringComparison.Ordinal);

        var show = Collapse("show", id, "--runs", runs, "--metric", "variance", "--every", "5");
        Assert.Equal(0, show.Code);
        Assert.Contains("variance by generation", show.Output, StringComparison.Ordinal);
        Assert.Contains("theory", show.Output, StringComparison.Ordinal);

        var csv = Collapse("show", id, "--runs", runs, "--metric", "kl", "--format", "csv");
        Assert.StartsWith("arm,generation,metric,n,mean", csv.Output, StringComparison.Ordinal);

        var json = Collapse("show", id, "--runs", runs, "--metric", "kl", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.Equal(id, doc.RootElement.GetProperty("run").GetString());

        var typo = Collapse("show", id, "--runs", runs, "--metric", "varaince");
        Assert.Equal(2, typo.Code);
        Assert.Contains("Did you mean 'variance'?", typo.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_reports_arms_without_writing_anything()
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "s.yaml");
        File.WriteAllText(spec, "name: v\ngenerations: 2\ndata: { train: 5 }\nmodel: { family: gaussian }\narms: [{ name: a }, { name: b, policy: { kind: mix, ratio: 0.5 } }]\n");
        var result = Collapse("validate", spec);
        Assert.Equal(0, result.Code);
        Assert.Contains("mix λ=0.5", result.Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Theory_prints_the_closed_forms()
    {
        var result = Collapse("theory", "-M", "100", "-t", "100", "--estimator", "mle");
        Assert.Equal(0, result.Code);
        // ((99/100)^101 at t = 100 with n = M = 100.
        Assert.Contains(Math.Pow(0.99, 101).ToString("G4", System.Globalization.CultureInfo.InvariantCulture), result.Output, StringComparison.Ordinal);
        Assert.Equal(2, Collapse("theory", "-M", "1", "--estimator", "unbiased").Code);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    [InlineData("theory")]
    [InlineData("list")]
    [InlineData("show")]
    [InlineData("sample")]
    public void Every_command_has_help(string command)
    {
        var result = Collapse(command, "--help");
        Assert.Equal(0, result.Code);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_is_bad_input() => Assert.Equal(2, Collapse("runn").Code);
}
