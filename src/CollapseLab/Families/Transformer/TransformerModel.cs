using System.Globalization;
using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Families.Neural;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Models;
using CollapseLab.Tensors.Models.Pretrained;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// A trained transformer as a language model. A sequence s₀…s_{n−1} is read after the boundary token:
/// ln p(sᵢ | s₀…s_{i−1}) = logits_i[sᵢ] − log Σ_w exp logits_i[w], with logits_i the network's output at position i
/// of the input (boundary, s₀, …, s_{n−2}). Next-token distributions p = softmax(logits) come from a per-thread
/// key/value cache (<see cref="DecoderCache"/>) whose per-position arithmetic does not depend on how many tokens are
/// fed at once, so a distribution's bits depend only on the history, never on what the cache held before.
/// </summary>
public sealed class TransformerModel : ILanguageModel, IHuggingFaceExport
{
    [ThreadStatic]
    private static DecoderCache? t_cache;

    private readonly double[] _unigram;
    private readonly TokenBatch? _prompts;
    private readonly Tokenizer? _tokenizer;
    private readonly Compute _compute;
    private readonly Compute _serial;

    /// <param name="compute">The GEMM and thread budget of the fit; scoring and decoding one sequence use its GEMM on one thread.</param>
    /// <param name="vocabulary">V, the tokenizer's ids: the first V of the network's logits (a checkpoint may pad its embedding).</param>
    internal TransformerModel(ICausalLm network, int vocabulary, int boundary, SamplingOptions sampling, TokenBatch? prompts, Tokenizer? tokenizer,
        double[] unigram, TrainingReport report, Compute compute)
    {
        VocabularySize = vocabulary;
        _compute = compute;
        _serial = compute.WithThreads(1);
        Network = network;
        Boundary = boundary;
        Sampling = sampling;
        _prompts = prompts;
        _tokenizer = tokenizer;
        _unigram = unigram;
        Report = report;
        Degeneracy = Array.Exists(network.Parameters.Data, x => !float.IsFinite(x)) ? "training diverged: the weights are not finite" : null;
    }

    /// <summary>The network; its weights must not be changed (models are immutable).</summary>
    public ICausalLm Network { get; }

    /// <summary>The checkpoint's config when the network is a pretrained architecture, else null.</summary>
    public HfConfig? PretrainedConfig { get; init; }

    /// <summary>The checkpoint folder a pretrained network came from, whose tokenizer files an export copies.</summary>
    public string? PretrainedFolder { get; init; }

    /// <summary>What the fit did: steps run, final training loss, best validation loss.</summary>
    public TrainingReport Report { get; }

    public int VocabularySize { get; }

    public int Boundary { get; }

    public SamplingOptions Sampling { get; }

    public string? Degeneracy { get; }

    public ReadOnlySpan<double> Unigram => _unigram;

    public string? ExportUnavailable => Network is PretrainedLm
        ? null
        : "this transformer was trained from scratch in CollapseLab's own format (nanoGPT names); only models fine-tuned from model.pretrained export as a Hugging Face folder";

    public void ExportTo(string folder) => PretrainedExport.Write(this, folder, overwrite: false);

    /// <summary>
    /// A Hugging Face checkpoint folder as a language model, with the tokenizer it ships (vocab.json + merges.txt);
    /// sequences start after the tokenizer's boundary token. Bad files are reported as a <see cref="Specs.SpecException"/>.
    /// </summary>
    public static (TransformerModel Model, Tokenizer Tokenizer) OpenCheckpoint(string folder)
    {
        PretrainedLm lm;
        HfConfig config;
        try
        {
            (lm, config) = HfCheckpoint.Load(folder);
        }
        catch (InvalidDataException e)
        {
            throw new Specs.SpecException(e.Message);
        }
        var tokenizer = PretrainedTokenizer.Load(PretrainedTokenizer.Locate(folder));
        if (tokenizer.VocabularySize > lm.Vocab)
        {
            throw new Specs.SpecException($"{folder}: the tokenizer has {tokenizer.VocabularySize} ids but config.json's vocab_size gives {lm.Vocab} embedding rows; the tokenizer files belong to another model.");
        }
        var uniform = Enumerable.Repeat(1.0 / tokenizer.VocabularySize, tokenizer.VocabularySize).ToArray();
        var model = new TransformerModel(lm, tokenizer.VocabularySize, tokenizer.Boundary, SamplingOptions.Default, null, tokenizer, uniform, TrainingReport.Loaded, Compute.Current)
        {
            PretrainedConfig = config,
            PretrainedFolder = Path.GetFullPath(folder),
        };
        return (model, tokenizer);
    }

    public DataBatch Sample(int count, StreamKey stream, int threads)
    {
        using var compute = _compute.WithThreads(threads).Enter();
        return TextGenerator.Generate(this, _prompts, count, stream, threads, _tokenizer);
    }

    public void LogProbabilities(ReadOnlySpan<int> tokens, Span<double> destination)
    {
        var n = tokens.Length;
        if (n == 0)
        {
            return;
        }
        if (n > Network.Context)
        {
            throw new ArgumentException($"a sequence of {n} tokens is longer than the context of {Network.Context}");
        }
        var input = new int[n];
        input[0] = Boundary;
        tokens[..(n - 1)].CopyTo(input.AsSpan(1));
        // Called from metrics' parallel loops: one sequence, one thread.
        using var compute = _serial.Enter();
        using var scope = Tape.NoGrad();
        // logits are (1,n,V)
        var logits = Network.Logits(input, 1, n).Data;
        var (v, rows) = (VocabularySize, Network.Vocab);
        for (var i = 0; i < n; i++)
        {
            var row = logits.Slice(i * rows, v);
            var lp = row[tokens[i]] - LogSumExp(row);
            destination[i] = double.IsNaN(lp) ? double.NegativeInfinity : lp;
        }
    }

    public void Next(ReadOnlySpan<int> history, NextTokenDistribution into)
    {
        var p = Probabilities(history);
        var order = new int[p.Length];
        var keys = new double[p.Length];
        for (var w = 0; w < p.Length; w++)
        {
            order[w] = w;
            keys[w] = -p[w];
        }
        Array.Sort(keys, order);
        into.Clear();
        into.Lambda = 1;
        into.Base = p;
        into.BaseOrder = order;
    }

    public int SampleNext(ReadOnlySpan<int> history, RandomStream rng)
    {
        var p = Probabilities(history);
        var u = rng.NextDouble();
        var last = 0;
        for (var w = 0; w < p.Length; w++)
        {
            if (p[w] <= 0)
            {
                continue;
            }
            last = w;
            u -= p[w];
            if (u < 0)
            {
                return w;
            }
        }
        return last;
    }

    /// <summary>softmax(logits) after the history, in double precision (a new array each call: the generator caches by reference).</summary>
    private double[] Probabilities(ReadOnlySpan<int> history)
    {
        using var compute = _serial.Enter();
        var cache = t_cache;
        if (cache is null || !ReferenceEquals(cache.Network, Network))
        {
            cache = t_cache = new DecoderCache(Network, Boundary, Sampling.Beam > 1 ? (2 * Sampling.Beam) + 2 : 2, Sampling.Beam > 1);
        }
        var logits = cache.Logits(history).AsSpan(0, VocabularySize);
        var p = new double[logits.Length];
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }
        var z = 0.0;
        for (var w = 0; w < p.Length; w++)
        {
            p[w] = Math.Exp(logits[w] - max);
            z += p[w];
        }
        if (!(z > 0) || double.IsInfinity(z))
        {
            Array.Fill(p, 1.0 / p.Length);
            return p;
        }
        for (var w = 0; w < p.Length; w++)
        {
            p[w] /= z;
        }
        return p;
    }

    private static double LogSumExp(ReadOnlySpan<float> row)
    {
        var max = double.NegativeInfinity;
        foreach (var l in row)
        {
            max = Math.Max(max, l);
        }
        var s = 0.0;
        foreach (var l in row)
        {
            s += Math.Exp(l - max);
        }
        return max + Math.Log(s);
    }

    /// <summary>
    /// Writes the weights (PyTorch/nanoGPT names), the unigram marginal and the configuration (metadata) as safetensors.
    /// </summary>
    public void Save(string path)
    {
        if (Network is PretrainedLm pretrained)
        {
            SavePretrained(pretrained, path);
            return;
        }
        var cfg = ((TransformerLm)Network).Config;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "collapselab-transformer",
            ["vocab"] = Inv(cfg.Vocab),
            ["layers"] = Inv(cfg.Layers),
            ["heads"] = Inv(cfg.Heads),
            ["width"] = Inv(cfg.Channels),
            ["context"] = Inv(cfg.Context),
            ["boundary"] = Inv(Boundary),
        };
        var unigram = Tensor.FromArray(_unigram.Select(x => (float)x).ToArray(), _unigram.Length);
        var tensors = Network.Parameters.Slices.Select(s => KeyValuePair.Create(s.Name, s.Tensor))
            .Append(KeyValuePair.Create("collapselab.unigram", unigram));
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Reads a model written by <see cref="Save"/>; it samples exactly as the saved model did under the same options
    /// and on the same GEMM, which it takes from the compute entered on the calling thread.
    /// </summary>
    public static TransformerModel Load(string path, SamplingOptions sampling, TokenBatch? prompts = null, Tokenizer? tokenizer = null)
    {
        var meta = SafeTensors.Metadata(path);
        if (meta.GetValueOrDefault("format") == PretrainedFormat)
        {
            return LoadPretrained(path, meta, sampling, prompts, tokenizer);
        }
        int Get(string key) => meta.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{path}: not a CollapseLab transformer checkpoint (metadata '{key}' is missing)");
        var config = new TransformerConfig(Get("vocab"), Get("layers"), Get("heads"), Get("width"), Get("context"));
        var network = new TransformerLm(config, seed: 0);
        var tensors = SafeTensors.Load(path);
        foreach (var slice in network.Parameters.Slices)
        {
            if (!tensors.TryGetValue(slice.Name, out var t) || t.Length != slice.Length)
            {
                throw new InvalidDataException($"{path}: tensor '{slice.Name}' is missing or has the wrong size");
            }
            t.Data.CopyTo(slice.Tensor.Data);
        }
        var unigram = tensors.TryGetValue("collapselab.unigram", out var u) ? u.ToArray().Select(x => (double)x).ToArray() : new double[config.Vocab];
        return new TransformerModel(network, config.Vocab, Get("boundary"), sampling, prompts, tokenizer, unigram, TrainingReport.Loaded, Compute.Current);
    }

    private const string PretrainedFormat = "collapselab-pretrained";

    /// <summary>
    /// A pretrained network's generation file: its parameters under the architecture's names (nn.Linear layout),
    /// the unigram marginal, and in the metadata the checkpoint's config.json, the context, V and the boundary.
    /// <see cref="PretrainedExport"/> turns it into a Hugging Face folder.
    /// </summary>
    private void SavePretrained(PretrainedLm network, string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = PretrainedFormat,
            ["config"] = PretrainedConfig!.Json.ToJsonString(),
            ["context"] = Inv(network.Context),
            ["vocabulary"] = Inv(VocabularySize),
            ["boundary"] = Inv(Boundary),
            ["source"] = PretrainedFolder ?? "",
        };
        var unigram = Tensor.FromArray(_unigram.Select(x => (float)x).ToArray(), _unigram.Length);
        SafeTensors.Save(path, network.Parameters.Slices.Select(s => KeyValuePair.Create(s.Name, s.Tensor))
            .Append(KeyValuePair.Create("collapselab.unigram", unigram)), metadata);
    }

    private static TransformerModel LoadPretrained(string path, Dictionary<string, string> meta, SamplingOptions sampling, TokenBatch? prompts, Tokenizer? tokenizer)
    {
        int Get(string key) => meta.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{path}: metadata '{key}' is missing");
        var json = System.Text.Json.Nodes.JsonNode.Parse(meta["config"]) as System.Text.Json.Nodes.JsonObject
            ?? throw new InvalidDataException($"{path}: metadata 'config' is not a JSON object");
        var config = HfConfig.Parse(json, path + " (config)", Get("context"));
        var network = new PretrainedLm(config.Architecture);
        SafeTensors.LoadInto(path, network.Parameters);
        var tensors = SafeTensors.Load(path);
        var unigram = tensors["collapselab.unigram"].ToArray().Select(x => (double)x).ToArray();
        return new TransformerModel(network, Get("vocabulary"), Get("boundary"), sampling, prompts, tokenizer, unigram, TrainingReport.Loaded, Compute.Current)
        {
            PretrainedConfig = config,
            PretrainedFolder = meta.GetValueOrDefault("source") is { Length: > 0 } source ? source : null,
        };
    }

    private static string Inv(int x) => x.ToString(CultureInfo.InvariantCulture);
}
