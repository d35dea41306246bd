using CollapseLab.Cli;

namespace CollapseLab.Tests.Detection;

/// <summary>Bad watermark and detection input: exit code 2 and a message naming the key or option.</summary>
public sealed class WatermarkBadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("collapselab-watermark").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CollapseCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Spec(string model, string curation = "")
    {
        var path = Path.Combine(_folder, "spec.yaml");
        File.WriteAllText(path, $"name: bad\ngenerations: 1\ndata: {{ source: zipf, vocab: 20, train: 10, test: 10 }}\nmodel: {model}\n{curation}");
        return path;
    }

    private string Texts(params string[] lines)
    {
        var path = Path.Combine(_folder, "texts.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData("{ gamma: 1.5 }", "model.sampling.watermark.gamma", "at most 1")]
    [InlineData("{ gamma: 1 }", "model.sampling.watermark.gamma", "between 0 and 1")]
    [InlineData("{ gamma: 0 }", "model.sampling.watermark.gamma", "greater than 0")]
    [InlineData("{ delta: -1 }", "model.sampling.watermark.delta", "at least 0")]
    [InlineData("{ window: 0 }", "model.sampling.watermark.window", "between 1 and 64")]
    [InlineData("{ windw: 2 }", "model.sampling.watermark.windw", "window")]
    public void BadWatermark(string watermark, string key, string message)
    {
        var (code, _, error) = Cli("validate", Spec($"{{ family: ngram, order: 2, sampling: {{ watermark: {watermark} }} }}"));
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectScoresEachLine()
    {
        var path = Texts("in the beginning god created the heaven and the earth", "and the earth was without form and void");
        var (code, output, error) = Cli("detect", path, "--format", "json", "--dedup");
        Assert.True(code == CollapseCli.Ok, error);
        var rows = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(9, rows[0].GetProperty("scored").GetInt32()); // 10 words, the first is context only
        Assert.Equal("line 2", rows[1].GetProperty("text").GetString());
    }

    /// <summary>A run's samples.csv, every row of it, re-encoded with the run's tokenizer and scored under the arm's key.</summary>
    [Fact]
    public void DetectScoresARunsSamples()
    {
        var spec = Path.Combine(_folder, "run.yaml");
        File.WriteAllText(spec, "name: wm\ngenerations: 1\nreplicates: 1\n"
            + "data: { source: zipf, vocab: 200, block: 64, train: 100, test: 50 }\n"
            + "model: { family: ngram, order: 2, sampling: { watermark: { delta: 4.0 } } }\nsamples_per_generation: 20\nmetrics: [distinct_1]\n");
        var runs = Path.Combine(_folder, "runs");
        var (code, _, error) = Cli("run", spec, "--runs", runs, "--threads", "1");
        Assert.True(code == CollapseCli.Ok, error);
        var run = Directory.GetDirectories(runs).Single();
        var rows = File.ReadAllLines(Path.Combine(run, "samples.csv")).Length - 1;
        var (detected, output, detectError) = Cli("detect", run, "--format", "json");
        Assert.True(detected == CollapseCli.Ok, detectError);
        var scores = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal(rows, scores.GetArrayLength());
        Assert.EndsWith("/0/0/0", scores[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.All(scores.EnumerateArray(), s => Assert.True(s.GetProperty("z").GetDouble() > 4, $"z {s}"));
    }

    [Theory]
    [InlineData("--gamma", "1.2", "--gamma")]
    [InlineData("--gamma", "0", "--gamma")]
    [InlineData("--window", "0", "--window")]
    [InlineData("--tokenizer", "wrod", "--tokenizer")]
    public void DetectRefusesBadOptions(string option, string value, string named)
    {
        var (code, _, error) = Cli("detect", Texts("some text to score"), option, value);
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectRefusesAnEmptyText()
    {
        var (code, _, error) = Cli("detect", Texts("a first text", "", "a third"));
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains("line 2 is empty", error, StringComparison.Ordinal);
    }
}
