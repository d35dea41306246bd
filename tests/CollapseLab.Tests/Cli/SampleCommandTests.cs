using System.Text.Json;
using CollapseLab.Cli;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Cli;

/// <summary>
/// Three tiny runs made once for the class: a transformer that saved its models (arm replace samples at random,
/// arm accumulate beam-searches continuations of real prompts), one that did not save them, and a Gaussian.
/// </summary>
public sealed class SampleRuns
{
    public SampleRuns()
    {
        Directory = TestSpecs.TempDirectory();
        Runs = Path.Combine(Directory, "runs");
        File.WriteAllText(Path.Combine(Directory, "corpus.txt"),
            string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"In the beginning {i} was the word, and the word was with text {i * 7}.")));
        Saved = Run("saved", "generations: 2", "save_models: true", """
            arms:
              - { name: replace }
              - { name: accumulate, policy: accumulate, model: { sampling: { prompt: real, prompt_length: 16, max_length: 16, beam: 2 } } }
            """);
        Unsaved = Run("unsaved", "generations: 1", "save_models: false", "");
        Gaussian = Run("gaussian", "generations: 1\ndata: { train: 5 }\nmodel: { family: gaussian }", null, "");
    }

    public string Directory { get; }

    public string Runs { get; }

    public string Saved { get; }

    public string Unsaved { get; }

    public string Gaussian { get; }

    private string Run(string name, string head, string? save, string arms)
    {
        var model = save is null ? "" : $$"""
            data: { source: text:corpus.txt, tokenizer: char, block: 32 }
            model: { family: transformer, layers: 1, heads: 2, width: 16, context: 32, steps: 20, {{save}} }
            """;
        var spec = Path.Combine(Directory, $"{name}.yaml");
        File.WriteAllText(spec, $"name: {name}\n{head}\n{model}\n{arms}\n");
        var code = CollapseCli.Run(["run", spec, "--runs", Runs, "--quiet", "--threads", "2"], TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, code);
        return Path.GetFileName(System.IO.Directory.GetDirectories(Runs, $"{name}-*").Single());
    }
}

public class SampleCommandTests(SampleRuns runs) : IClassFixture<SampleRuns>
{
    private (int Code, string Output, string Error) Sample(string run, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(["sample", run, "--runs", runs.Runs, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string[] Json(string run, params string[] args)
    {
        var (code, output, error) = Sample(run, [.. args, "--format", "json"]);
        Assert.True(code == 0, error);
        return JsonSerializer.Deserialize<string[]>(output)!;
    }

    /// <summary>
    /// On the run's own seed the default (last generation, the arm's sampling) redraws the run's first samples; for
    /// the prompted arm that needs the same real prompts, rebuilt from the saved spec.
    /// </summary>
    [Theory]
    [InlineData("replace")]
    [InlineData("accumulate")]
    public void The_default_redraws_the_runs_own_samples_of_the_last_generation(string arm)
    {
        var previews = CsvRecords.Read(Path.Combine(runs.Runs, runs.Saved, "samples.csv"))
            .Where(f => f[0] == arm && f[1] == "0" && f[2] == "2")
            .Select(f => f[4])
            .Take(3)
            .ToArray();
        Assert.Equal(3, previews.Length);
        Assert.Equal(previews, Json(runs.Saved, "--arm", arm, "--count", "3"));
    }

    [Fact]
    public void The_same_seed_gives_the_same_text_and_another_seed_other_text()
    {
        var first = Json(runs.Saved, "--seed", "7");
        Assert.Equal(8, first.Length);
        Assert.Equal(first, Json(runs.Saved, "--seed", "7"));
        Assert.NotEqual(first, Json(runs.Saved, "--seed", "8"));
    }

    [Fact]
    public void Text_output_is_one_numbered_block_per_sample()
    {
        var (code, output, _) = Sample(runs.Saved, "--arm", "accumulate", "--generation", "0", "-n", "2", "--seed", "3");
        Assert.Equal(0, code);
        Assert.StartsWith($"{runs.Saved}: arm 'accumulate', generation 0 of 2, seed 3", output, StringComparison.Ordinal);
        var texts = Json(runs.Saved, "--arm", "accumulate", "--generation", "0", "-n", "2", "--seed", "3");
        Assert.Contains($"--- sample 1 ---\n{texts[0]}\n\n--- sample 2 ---\n{texts[1]}\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Sampling_flags_override_the_arms_own_settings()
    {
        var plain = Json(runs.Saved, "--seed", "1");
        Assert.NotEqual(plain, Json(runs.Saved, "--seed", "1", "--temperature", "0.3"));
        Assert.NotEqual(plain, Json(runs.Saved, "--seed", "1", "--top-k", "2"));
        // The char tokenizer decodes one token to one character; min_length defaults to max_length.
        Assert.All(Json(runs.Saved, "--max-length", "5", "--top-p", "0.9"), s => Assert.Equal(5, s.Length));
        var beam = Json(runs.Saved, "--arm", "accumulate", "--seed", "1");
        Assert.NotEqual(beam, Json(runs.Saved, "--arm", "accumulate", "--seed", "1", "--beam", "1", "--temperature", "0.5"));
    }

    /// <summary>A stopped run has saved fewer generations: the default is the last one it has, and the others are listed.</summary>
    [Fact]
    public void A_stopped_run_samples_its_last_saved_generation()
    {
        var copy = Path.Combine(runs.Directory, "stopped");
        CopyDirectory(Path.Combine(runs.Runs, runs.Saved), copy);
        File.Delete(Path.Combine(copy, "models", "arm0", "gen002.safetensors"));
        Assert.Contains("generation 1 of 2", Sample(copy, "-n", "1").Output, StringComparison.Ordinal);
        var missing = Sample(copy, "--generation", "2");
        Assert.Equal(2, missing.Code);
        Assert.Contains("Saved generations: 0, 1.", missing.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", "", "no run 'none'")]
    [InlineData("saved", "--arm replce", "no such arm. Did you mean 'replace'? Its arms: replace, accumulate.")]
    [InlineData("saved", "--generation 5", "--generation 5: arm 'replace' has no saved model of that generation. Saved generations: 0, 1, 2.")]
    [InlineData("saved", "--temperature 0", "--temperature 0: 'model.sampling.temperature': must be greater than 0")]
    [InlineData("saved", "--top-p 1.5", "--top-p 1.5: 'model.sampling.top_p': must be greater than 0 and at most 1")]
    [InlineData("saved", "--top-k -1", "--top-k -1: 'model.sampling.top_k': must be at least 0")]
    [InlineData("saved", "--max-length 40", "sampling needs 40 new tokens = 40 positions but the context (block size) is 32")]
    [InlineData("saved", "--count 0", "--count must be at least 1")]
    [InlineData("saved", "--arm accumulate --temperature 0.5", "'model.sampling.beam': beam search is deterministic")]
    [InlineData("unsaved", "", "ran without saving its models. Set model.save_models: true")]
    [InlineData("gaussian", "", "uses the gaussian family, which does not save its fitted models")]
    public void Bad_requests_exit_2_and_say_what_to_change(string run, string args, string message)
    {
        var id = run switch
        {
            "saved" => runs.Saved,
            "unsaved" => runs.Unsaved,
            "gaussian" => runs.Gaussian,
            _ => run,
        };
        var (code, _, error) = Sample(id, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
