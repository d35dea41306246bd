using CollapseLab.Cli;

namespace CollapseLab.Tests.Cli;

/// <summary>
/// Every kind of bad input named in the foundation issue: a clear message naming the place, exit code 2, and no
/// run folder or database row left behind.
/// </summary>
public class BadInputTests
{
    /// <summary>A small valid spec (one Gaussian arm), also what run-folder tests run.</summary>
    internal const string Good = """
        name: bad
        generations: 3
        replicates: 2
        data: { source: gaussian, dim: 2, train: 10, test: 50 }
        model: { family: gaussian }
        """;

    private static (int Code, string Error, string Runs) Run(string yaml, params string[] extra)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, yaml);
        var runs = Path.Combine(dir, "runs");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(["run", path, "--runs", runs, "--quiet", .. extra], output, error);
        return (code, error.ToString(), runs);
    }

    private static void AssertRejected(string yaml, string expected, params string[] extra)
    {
        var (code, error, runs) = Run(yaml, extra);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(runs), "a rejected spec must not leave a run folder or database");
    }

    [Fact]
    public void The_good_spec_runs() => Assert.Equal(0, Run(Good).Code);

    [Fact]
    public void Malformed_yaml() => AssertRejected("name: x\ngenerations: [1, 2\n", "malformed YAML");

    [Fact]
    public void An_open_bracket_running_into_the_next_line_is_located() =>
        AssertRejected("name: x\ngenerations: [1,\nmodel: gaussian\n", "spec.yaml:2:14: malformed YAML: a '[' or '{' here is not closed");

    [Fact]
    public void Unknown_key_gets_a_suggestion() =>
        AssertRejected(Good + "\ngeneratons: 4\n", "Did you mean 'generations'?");

    [Fact]
    public void Unknown_key_inside_a_section_names_the_line() =>
        AssertRejected(Good.Replace("train: 10", "trian: 10", StringComparison.Ordinal), "spec.yaml:4:");

    [Fact]
    public void Wrong_type() => AssertRejected(Good.Replace("replicates: 2", "replicates: two", StringComparison.Ordinal), "expected a whole number, got 'two'");

    [Fact]
    public void Missing_required_key() =>
        AssertRejected(Good.Replace("generations: 3\n", "", StringComparison.Ordinal), "'generations': required key is missing");

    [Theory]
    [InlineData("replicates: 2", "replicates: 0", "'replicates': must be between 1 and")]
    [InlineData("train: 10", "train: -5", "'data.train': must be at least 1")]
    [InlineData("generations: 3", "generations: 0", "'generations': must be between 1 and")]
    public void Sizes_must_be_positive(string from, string to, string expected) =>
        AssertRejected(Good.Replace(from, to, StringComparison.Ordinal), expected);

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public void Fractions_outside_zero_one(double fraction) =>
        AssertRejected(Good + $"\npolicy: {{ kind: keep-real, fraction: {fraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} }}\n", "'policy.fraction': must be at least 0 and at most 1");

    [Fact]
    public void Covariance_not_positive_definite() =>
        AssertRejected(Good.Replace("dim: 2,", "cov: [[1, 2], [2, 1]],", StringComparison.Ordinal), "not a symmetric positive-definite");

    [Fact]
    public void Unknown_policy_kind_gets_a_suggestion() =>
        AssertRejected(Good + "\npolicy: { kind: acumulate }\n", "Did you mean 'accumulate'?");

    [Fact]
    public void Bad_override() => AssertRejected(Good, "'samples_per_generation': must be between 1 and", "--set", "samples_per_generation=0");

    [Fact]
    public void Spec_path_that_does_not_exist()
    {
        var runs = Path.Combine(TestSpecs.TempDirectory(), "runs");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CollapseCli.Run(["run", "/nonexistent/spec.yaml", "--runs", runs], output, error));
        Assert.Contains("spec file not found", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(runs));
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,nan\n", "column 2 ('b') is empty or NaN")]
    [InlineData("a,b\n1,2\n3\n", "this row has 1 fields but the header has 2")]
    [InlineData("a,b\n1,2\n3,abc\n", "holds 'abc', which is not a number")]
    [InlineData("a,b\n", "has a header but no rows")]
    [InlineData("", "the file is empty")]
    public void Bad_csv_files(string csv, string expected)
    {
        var dir = TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "data.csv"), csv);
        var spec = Good.Replace("{ source: gaussian, dim: 2, train: 10, test: 50 }", $"{{ source: 'csv:{Path.Combine(dir, "data.csv")}' }}", StringComparison.Ordinal);
        AssertRejected(spec, expected);
    }

    [Fact]
    public void Csv_errors_name_the_file_and_line()
    {
        var dir = TestSpecs.TempDirectory();
        var csv = Path.Combine(dir, "data.csv");
        File.WriteAllText(csv, "x,y\n1,2\n3,4\n5,oops\n");
        var spec = Good.Replace("{ source: gaussian, dim: 2, train: 10, test: 50 }", $"{{ source: 'csv:{csv}' }}", StringComparison.Ordinal);
        AssertRejected(spec, $"{csv}:4:");
    }

    [Fact]
    public void Unsupported_metric_says_why_and_what_is_available() =>
        AssertRejected(Good + "\nmetrics: [variance]\n", "is defined for 1-D data");
}
