using System.Diagnostics;
using CollapseLab.Cli;

namespace CollapseLab.Tests.Families.Transformer;

/// <summary>Bad transformer specs through the CLI: a clear message naming the key and what to change, exit 2.</summary>
public class TransformerBadInputTests
{
    private static string Spec(string model, string data = "block: 32") => $$"""
        name: bad-transformer
        generations: 1
        replicates: 1
        data: { source: text:corpus.txt, tokenizer: char, {{data}} }
        model: { family: transformer, layers: 1, heads: 2, steps: 2, {{model}} }
        """;

    private static (int Code, string Error) Run(string yaml, string? directory = null)
    {
        var dir = directory ?? TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "corpus.txt"),
            string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"In the beginning {i} was the word, and the word was with text {i * 7}.")));
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, yaml);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(["run", spec, "--runs", Path.Combine(dir, "runs"), "--quiet"], output, error);
        return (code, error.ToString());
    }

    [Fact]
    public void A_block_longer_than_the_context_is_rejected()
    {
        var (code, error) = Run(Spec("context: 16, width: 16"));
        Assert.Equal(2, code);
        Assert.Contains("model.context", error, StringComparison.Ordinal);
        Assert.Contains("blocks hold 32 tokens but the context (block size) is 16", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Prompt_plus_new_tokens_longer_than_the_context_is_rejected()
    {
        var (code, error) = Run(Spec("context: 48, width: 16, sampling: { prompt: real, prompt_length: 24, max_length: 32 }"));
        Assert.Equal(2, code);
        Assert.Contains("24-token prompts plus 32 new tokens = 56 positions", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Width_must_split_into_heads() =>
        Assert.Contains("multiple of heads", Run(Spec("context: 32, width: 15")).Error, StringComparison.Ordinal);

    /// <summary>The neural families share batch_size; the transformer's old 'batch' is refused with the new name.</summary>
    [Fact]
    public void The_old_batch_key_is_refused_with_the_new_name()
    {
        var (code, error) = Run(Spec("context: 32, width: 16, batch: 8"));
        Assert.Equal(2, code);
        Assert.Contains("'model.batch'", error, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'batch_size'?", error, StringComparison.Ordinal);
        Assert.Contains("spec.yaml:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_early_stopping_key_is_refused() =>
        Assert.Contains("'model.early_stopping.paitence'", Run(Spec("context: 32, width: 16, early_stopping: { paitence: 2 }")).Error, StringComparison.Ordinal);

    /// <summary>A good spec runs, and with save_models every generation's model is in the run folder and reloads.</summary>
    [Fact]
    public void A_good_spec_runs_and_saves_its_models()
    {
        var dir = TestSpecs.TempDirectory();
        Assert.Equal(0, Run(Spec("context: 32, width: 16, save_models: true"), dir).Code);
        var models = Directory.GetFiles(Path.Combine(dir, "runs"), "*.safetensors", SearchOption.AllDirectories).Order().ToArray();
        Assert.Equal(["gen000.safetensors", "gen001.safetensors"], models.Select(m => Path.GetFileName(m)).ToList());
        var reloaded = CollapseLab.Families.Transformer.TransformerModel.Load(models[1], CollapseLab.Families.Language.SamplingOptions.Default);
        Assert.Equal(16, ((CollapseLab.Tensors.Models.TransformerLm)reloaded.Network).Config.Channels);
    }

    /// <summary>The KJV source without the 'bible' program on PATH: the message names the Debian package.</summary>
    [Fact]
    public void A_missing_corpus_names_the_debian_package()
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, """
            name: no-bible
            generations: 1
            data: { source: kjv, tokenizer: char }
            model: { family: transformer, layers: 1, heads: 2, width: 16, steps: 2 }
            """);
        var start = new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "/usr/bin/dotnet",
            [Path.Combine(AppContext.BaseDirectory, "collapse.dll"), "run", spec, "--runs", Path.Combine(dir, "runs"), "--quiet"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = dir;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("apt-get install bible-kjv", error, StringComparison.Ordinal);
    }
}
