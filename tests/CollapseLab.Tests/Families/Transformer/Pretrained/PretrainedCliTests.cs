using System.Buffers.Binary;
using System.Text.Json.Nodes;
using CollapseLab.Cli;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Models.Pretrained;

namespace CollapseLab.Tests.Families.Transformer.Pretrained;

/// <summary>
/// model.pretrained from the CLI: a run fine-tunes the OPT fixture and saves Hugging Face folders, export-model
/// writes one that reads back to the saved bits, score prints perplexities; bad checkpoints stop validate with
/// exit 2 naming the file and key.
/// </summary>
public sealed class PretrainedCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("collapselab-pretrained-cli").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private string Spec(string checkpoint, string model = "", string tokenizer = "")
    {
        var text = Path.Combine(_folder, "corpus.txt");
        File.WriteAllText(text, string.Join("\n\n", Enumerable.Range(0, 60).Select(i => $"And the earth was without form, and void {i}; and darkness was upon the face of the deep.")));
        var spec = Path.Combine(_folder, "spec.yaml");
        File.WriteAllText(spec, $$"""
            name: pre
            generations: 1
            data: { source: 'text:{{text}}', tokenizer: { kind: pretrained, folder: '{{(tokenizer.Length > 0 ? tokenizer : checkpoint)}}' }, block: 16, train: 40, test: 0.1 }
            model: { family: transformer, pretrained: '{{checkpoint}}', steps: 3, finetune_steps: 2, batch_size: 4, save_models: true{{model}},
              sampling: { prompt: real, prompt_length: 8, max_length: 8, beam: 2, repetition_penalty: 3.0 } }
            samples_per_generation: 12
            """);
        return spec;
    }

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CollapseCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_run_gives_the_same_samples_and_metrics_for_one_or_two_threads()
    {
        var spec = Spec(PretrainedFixtures.Folder("opt"));
        var files = new List<Dictionary<string, byte[]>>();
        foreach (var threads in new[] { "1", "2" })
        {
            var runs = Path.Combine(_folder, "runs" + threads);
            var (code, _, error) = Cli("run", spec, "--runs", runs, "-q", "--threads", threads);
            Assert.True(code == 0, error);
            var run = Directory.GetDirectories(runs).Single();
            files.Add(Directory.GetFiles(run, "*.csv*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(run, f), File.ReadAllBytes));
        }

        Assert.NotEmpty(files[0]);
        Assert.Equal(files[0].Keys.Order(), files[1].Keys.Order());
        foreach (var (name, bytes) in files[0])
        {
            Assert.True(bytes.AsSpan().SequenceEqual(files[1][name]), $"{name} differs between 1 and 2 threads");
        }
    }

    [Fact]
    public void Run_saves_folders_that_export_score_and_read_back()
    {
        var runs = Path.Combine(_folder, "runs");
        var (code, _, error) = Cli("run", Spec(PretrainedFixtures.Folder("opt")), "--runs", runs, "-q", "--threads", "2");
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(runs).Single();
        var saved = Directory.GetDirectories(Path.Combine(run, "models"), "gen001-hf", SearchOption.AllDirectories).Single();
        var (lm, _) = HfCheckpoint.Load(saved);

        var target = Path.Combine(_folder, "export");
        var export = Cli("export-model", run, "--generation", "1", "--out", target);
        Assert.True(export.Code == 0, export.Error);
        var (exported, config) = HfCheckpoint.Load(target);
        Assert.Equal(lm.Parameters.Data, exported.Parameters.Data);
        Assert.Equal("float32", config.Json["torch_dtype"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(target, "tokenizer.json")));
        // fine-tuning moved the weights away from the checkpoint's
        var (original, _) = HfCheckpoint.Load(PretrainedFixtures.Folder("opt"));
        Assert.NotEqual(original.Parameters.Data, exported.Parameters.Data);
        Assert.Equal(CollapseCli.BadInput, Cli("export-model", run, "--generation", "1", "--out", target).Code);
        PyTorchReproduces(exported, target);

        var texts = Path.Combine(_folder, "texts.txt");
        File.WriteAllText(texts, "And God said, Let there be light.\nand there was light\n");
        var score = Cli("score", target, texts, "--format", "json");
        Assert.True(score.Code == 0, score.Error);
        var json = JsonNode.Parse(score.Output)!;
        Assert.Equal(2, json["texts"]!.AsArray().Count);
        Assert.True(json["perplexity"]!.GetValue<double>() > 1);
        var fromRun = Cli("score", run, texts, "--generation", "0");
        Assert.True(fromRun.Code == 0, fromRun.Error);
        Assert.Contains("perplexity", fromRun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Frozen_embeddings_and_blocks_keep_the_checkpoint_values()
    {
        var runs = Path.Combine(_folder, "runs");
        var (code, _, error) = Cli("run", Spec(PretrainedFixtures.Folder("llama"), ", freeze_embeddings: true, freeze_blocks: 1"), "--runs", runs, "-q");
        Assert.True(code == 0, error);
        var saved = Directory.GetDirectories(runs, "gen001-hf", SearchOption.AllDirectories).Single();
        var (tuned, _) = HfCheckpoint.Load(saved);
        var (original, _) = HfCheckpoint.Load(PretrainedFixtures.Folder("llama"));
        foreach (var slice in original.Parameters.Slices)
        {
            var frozen = slice.Name is "model.embed_tokens.weight" or "lm_head.weight" || slice.Name.StartsWith("model.layers.0.", StringComparison.Ordinal);
            var same = slice.Tensor.Data.SequenceEqual(tuned.Parameters[slice.Name].Data);
            Assert.True(frozen == same, $"{slice.Name}: frozen {frozen}, unchanged {same}");
        }
    }

    [Fact]
    public void Missing_config_is_refused()
    {
        var copy = PretrainedFixtures.Copy("opt");
        File.Delete(Path.Combine(copy, "config.json"));
        AssertRefused(Spec(copy), "config.json", "model.pretrained");
    }

    [Fact]
    public void Unsupported_model_type_names_the_supported_ones()
    {
        var copy = PretrainedFixtures.Copy("opt");
        EditConfig(copy, c => c["model_type"] = "gpt_neox");
        AssertRefused(Spec(copy), "gpt_neox", "gpt2, opt, llama");
    }

    [Fact]
    public void Spec_keys_contradicting_the_config_name_both_values()
    {
        AssertRefused(Spec(PretrainedFixtures.Folder("opt"), ", layers: 3"), "model.layers is 3", "gives 2");
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var copy = PretrainedFixtures.Copy("gpt2");
        var path = Path.Combine(copy, "model.safetensors");
        var tensors = SafeTensors.Load(path);
        tensors.Remove("transformer.h.1.mlp.c_fc.bias");
        SafeTensors.Save(path, tensors);
        AssertRefused(Spec(copy), "transformer.h.1.mlp.c_fc.bias", "missing");
    }

    [Fact]
    public void Wrong_shape_is_named()
    {
        var copy = PretrainedFixtures.Copy("gpt2");
        var path = Path.Combine(copy, "model.safetensors");
        var tensors = SafeTensors.Load(path);
        tensors["transformer.ln_f.weight"] = CollapseLab.Tensors.Tensor.Zeros(17);
        SafeTensors.Save(path, tensors);
        AssertRefused(Spec(copy), "transformer.ln_f.weight", "has shape (17");
    }

    [Fact]
    public void Truncated_shard_is_named()
    {
        var copy = PretrainedFixtures.Copy("llama");
        var shard = Path.Combine(copy, "model-00002-of-00002.safetensors");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..(bytes.Length - 100)]);
        AssertRefused(Spec(copy), "model-00002-of-00002.safetensors", "truncated");
    }

    [Fact]
    public void Unknown_dtype_is_named()
    {
        var copy = PretrainedFixtures.Copy("gpt2");
        var path = Path.Combine(copy, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, n);
        var at = header.IndexOf("\"F32\"", StringComparison.Ordinal);
        // same length, so every offset stays valid: "F32" becomes "I32"
        bytes[8 + at + 1] = (byte)'I';
        File.WriteAllBytes(path, bytes);
        AssertRefused(Spec(copy), "dtype I32", "F32, F16, BF16");
    }

    [Fact]
    public void Tokenizer_larger_than_the_embedding_is_refused()
    {
        var copy = PretrainedFixtures.Copy("opt");
        EditConfig(copy, c => c["vocab_size"] = 200);
        var tensors = SafeTensors.Load(Path.Combine(copy, "model.safetensors"));
        var embed = tensors["model.decoder.embed_tokens.weight"];
        tensors["model.decoder.embed_tokens.weight"] = CollapseLab.Tensors.Tensor.FromArray(embed.Data[..(200 * 16)].ToArray(), 200, 16);
        SafeTensors.Save(Path.Combine(copy, "model.safetensors"), tensors);
        AssertRefused(Spec(copy), "304 ids", "vocab_size 200");
    }

    [Fact]
    public void Model_too_large_for_the_budget_is_refused()
    {
        AssertRefused(Spec(PretrainedFixtures.Folder("opt"), ", memory_budget_mb: 1"), "does not fit", "memory_budget_mb");
    }

    /// <summary>
    /// Where Debian's python3-torch is installed, make_fixtures.py's reference forward reads the exported folder and
    /// must give CollapseLab's logits (written beside it as reference.safetensors) within 1e-4 relative.
    /// </summary>
    private static void PyTorchReproduces(PretrainedLm lm, string folder)
    {
        var reference = new Dictionary<string, CollapseLab.Tensors.Tensor>();
        int[][] prompts = [[1, 2, 3, 250, 299], [42, 17, 17, 9, 0, 280, 5, 6]];
        using (CollapseLab.Tensors.Autodiff.Tape.NoGrad())
        {
            for (var i = 0; i < prompts.Length; i++)
            {
                reference[$"prompt.{i}"] = CollapseLab.Tensors.Tensor.FromArray(prompts[i].Select(x => (float)x).ToArray(), prompts[i].Length);
                reference[$"logits.{i}"] = lm.Logits(prompts[i], 1, prompts[i].Length).Clone();
            }
        }
        SafeTensors.Save(Path.Combine(folder, "reference.safetensors"), reference);
        var script = Path.Combine(PretrainedFixtures.Folder(""), "make_fixtures.py");
        (int ExitCode, string Output) torch = File.Exists("/usr/bin/python3") ? Python("-c \"import torch\"") : (1, "/usr/bin/python3 is missing");
        Assert.True(torch.ExitCode == 0, $"PyTorch re-reads the exported folder here; install it with scripts/deps.sh (python3-torch): {torch.Output}");
        var check = Python($"\"{script}\" check \"{folder}\"");
        Assert.True(check.ExitCode == 0, check.Output);
    }

    private static (int ExitCode, string Output) Python(string arguments)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    private static void AssertRefused(string spec, string first, string second)
    {
        var (code, _, error) = Cli("validate", spec);
        Assert.True(code == CollapseCli.BadInput, $"exit {code}: {error}");
        Assert.Contains(first, error, StringComparison.Ordinal);
        Assert.Contains(second, error, StringComparison.Ordinal);
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "config.json");
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
