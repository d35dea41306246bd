using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Families.Neural;
using CollapseLab.Specs;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// A GPT-style transformer language model (token and position embeddings, pre-norm blocks of causal attention and a
/// GELU MLP, output tied to the token embedding) trained with AdamW, warm-up and cosine decay and gradient clipping
/// at 1. It is an ordinary language family: the shared generator samples it (through a key/value cache) and every
/// language metric scores it. Sequences start after the boundary token, so the context T must hold a block
/// (and, when prompted, prompt + new tokens). <see cref="Training"/> holds the options shared with the VAE.
/// </summary>
public sealed record TransformerFamily(
    int Layers,
    int Heads,
    int Width,
    int Context,
    int Warmup,
    double TokenDropout,
    NeuralTraining Training,
    SamplingOptions Sampling) : IFamily, ISavedModels
{
    public static FamilyRegistration Registration { get; } = new("transformer", Read,
        [Capabilities.SequenceLogProb, Capabilities.Watermarkable, Capabilities.SavedWeights],
        "data: { source: zipf, vocab: 30, order: 1, block: 16, train: 16, test: 16 }\nmodel: { family: transformer, layers: 1, heads: 2, width: 16, context: 16, steps: 4 }");

    /// <summary>200 steps of 32 sequences, AdamW with weight decay 0.1; early stopping on 64 real blocks, patience 3.</summary>
    public static readonly NeuralDefaults Defaults = new(new TrainingBudget(200, 0), BatchSize: 32, WeightDecay: 0.1, Patience: 3, Validation: 64);

    public string Name => "transformer";

    /// <summary>The checkpoint every fit starts from (model.pretrained), or null to train from scratch.</summary>
    public PretrainedOptions? Pretrained { get; init; }

    public bool WarmStartsFromPrevious => Training.WarmStartsFromPrevious;

    public DataKind Kind => DataKind.Tokens;

    public IReadOnlyList<string> DefaultMetrics =>
        ["test_perplexity", "ppl_model0", "distinct_2", "type_token_ratio", "vocab_coverage", "unigram_entropy", "tail_share", "types_lost"];

    public static TransformerFamily Read(SpecReader model)
    {
        if (PretrainedOptions.Read(model) is { } pretrained)
        {
            var a = pretrained.Architecture;
            var options = NeuralTraining.Read(model, Defaults with { WeightDecay = 0 }, pretrained: true);
            if (options.Dropout > 0)
            {
                throw model.Error("dropout", "dropout is not applied when fine-tuning a pretrained checkpoint; remove model.dropout.");
            }
            return new TransformerFamily(a.Layers, a.Heads, a.Channels, a.Context, model.Int("warmup", 10, min: 0),
                model.Double("token_dropout", 0, min: 0, max: 1), options, model.Section("sampling", SamplingOptions.Read)) { Pretrained = pretrained };
        }
        var layers = model.Int("layers", 2, min: 1, max: 48);
        var heads = model.Int("heads", 4, min: 1, max: 64);
        var width = model.Int("width", 128, min: 1, max: 8192);
        if (width % heads != 0)
        {
            throw model.Error("width", $"width {width} must be a multiple of heads ({heads}): each head gets width/heads channels.");
        }
        var context = model.Int("context", 64, min: 1, max: 8192);
        var warmup = model.Int("warmup", 10, min: 0);
        var tokenDropout = model.Double("token_dropout", 0, min: 0, max: 1);
        var training = NeuralTraining.Read(model, Defaults);
        var sampling = model.Section("sampling", SamplingOptions.Read);
        return new TransformerFamily(layers, heads, width, context, warmup, tokenDropout, training, sampling);
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (data is not TextData text)
        {
            throw model.Error("family", "a transformer language model needs text data (source: text:path, wikitext:folder, kjv or zipf).");
        }
        if (text.BlockLength > Context)
        {
            throw model.Error("context", $"the data's blocks hold {text.BlockLength} tokens but the context (block size) is {Context}: a sequence longer than the context cannot be scored. Raise model.context to at least {text.BlockLength} or lower data.block.");
        }
        var s = Sampling.Resolve(text.BlockLength);
        var (_, newTokens) = s.NewTokens;
        var needed = (s.PromptLength ?? 0) + newTokens;
        if (needed > Context)
        {
            var what = s.Prompted ? $"{s.PromptLength}-token prompts plus {newTokens} new tokens" : $"{newTokens} new tokens";
            throw model.Error("context", $"sampling needs {what} = {needed} positions but the context (block size) is {Context}. Raise model.context to {needed} or shorten sampling.max_length / sampling.prompt_length.");
        }
        Training.Validate(data.PoolSize, "blocks", model);
        if (Pretrained is { } p)
        {
            ValidatePretrained(p, text, needed, model);
        }
    }

    /// <summary>The tokenizer must fit the embedding, and the fine-tuning must fit the memory budget (printed before the run).</summary>
    private void ValidatePretrained(PretrainedOptions p, TextData text, int sampled, SpecReader model)
    {
        var a = p.Architecture;
        var v = text.Tokenizer.VocabularySize;
        if (v > a.Vocab)
        {
            throw model.Error("pretrained", $"the data's tokenizer ({text.Tokenizer.Describe()}) has {v} ids but {p.Config.Path} has vocab_size {a.Vocab} embedding rows; tokenize the data with the checkpoint's own tokenizer files (data.tokenizer: {{ kind: bpe, vocab: …/vocab.json, merges: …/merges.txt }} or {{ kind: pretrained, folder: … }}).");
        }
        try
        {
            // read once here, so a missing, misshapen or truncated tensor stops the spec before the run
            p.Load();
        }
        catch (InvalidDataException e)
        {
            throw model.Error("pretrained", e.Message);
        }
        var tokens = Math.Max(text.BlockLength, sampled);
        var memory = PretrainedMemory.Estimate(a, Training.BatchSize, tokens);
        var description = $"model.pretrained ({a.ModelType}, {p.Folder}): {memory.Describe(Training.BatchSize, tokens, p.MemoryBudget)}";
        if (memory.TotalBytes > p.MemoryBudget)
        {
            throw model.Error("pretrained", $"{description}: the model does not fit. Lower model.batch_size or data.block, or raise model.memory_budget_mb if the machine has the memory.");
        }
        Console.Error.WriteLine(description);
    }

    public IModel Fit(DataBatch train, FitContext context) => TransformerTrainer.Fit(this, (TokenBatch)train, context);

    public bool SavesModels => Training.SaveModels;

    public string SaveModelsSetting => NeuralFit.SaveModelsSetting;

    public string ModelFile(int generation) => NeuralFit.ModelFile(generation);

    public IModel LoadModel(string path, DataBatch realPool)
    {
        var pool = (TokenBatch)realPool;
        return TransformerModel.Load(path, Sampling.ResolveFor(pool), Sampling.PromptsFrom(pool), pool.Tokenizer);
    }
}
