using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Specs;

namespace CollapseLab.Families.Transformer;

/// <summary>Where a generation's weights start: fresh, from model₀ (fine-tuning, as Shumailov et al.) or from the previous generation.</summary>
public enum TransformerInit
{
    Scratch,
    Model0,
    Previous,
}

/// <summary>How long one fit trains: <see cref="Steps"/> optimiser steps, or (Steps = 0) <see cref="Epochs"/> passes over the training set.</summary>
public sealed record TrainingBudget(int Steps, double Epochs)
{
    /// <summary>Steps for <paramref name="sequences"/> training sequences in batches of <paramref name="batch"/>: ⌈epochs·N/B⌉ when counted in epochs.</summary>
    public int Resolve(int sequences, int batch) =>
        Steps > 0 ? Steps : Math.Max(1, (int)Math.Ceiling(Epochs * sequences / batch));

    public string Describe() => Steps > 0 ? $"{Steps} steps" : $"{Epochs:G4} epochs";
}

/// <summary>
/// Early stopping on real validation loss: every <see cref="Every"/> steps the mean cross-entropy on the first
/// <see cref="ValidationBlocks"/> blocks of the chain's real pool is measured; training stops after
/// <see cref="Patience"/> evaluations without improvement and the best weights are kept.
/// </summary>
public sealed record EarlyStopping(int Every, int Patience, int ValidationBlocks);

/// <summary>
/// A GPT-style transformer language model (token and position embeddings, pre-norm blocks of causal attention and a
/// GELU MLP, output tied to the token embedding) trained with AdamW, warm-up and cosine decay and gradient clipping
/// at 1. It is an ordinary language family: the shared generator samples it (through a key/value cache) and every
/// language metric scores it. Sequences start after the boundary token, so the context T must hold a block
/// (and, when prompted, prompt + new tokens).
/// </summary>
public sealed record TransformerFamily(
    int Layers,
    int Heads,
    int Width,
    int Context,
    double Dropout,
    double WeightDecay,
    double LearningRate,
    int Warmup,
    TrainingBudget Budget,
    TrainingBudget FinetuneBudget,
    int BatchSize,
    TransformerInit Init,
    EarlyStopping? EarlyStopping,
    double TokenDropout,
    bool SaveModels,
    SamplingOptions Sampling) : IFamily, ISavedModels
{
    public static FamilyRegistration Registration { get; } = new("transformer", Read,
        [Capabilities.SequenceLogProb, Capabilities.SavedWeights],
        "data: { source: zipf, vocab: 30, order: 1, block: 16, train: 16, test: 16 }\nmodel: { family: transformer, layers: 1, heads: 2, width: 16, context: 16, steps: 4 }");

    public string Name => "transformer";

    public bool WarmStartsFromPrevious => Init == TransformerInit.Previous;

    public DataKind Kind => DataKind.Tokens;

    public IReadOnlyList<string> DefaultMetrics =>
        ["test_perplexity", "ppl_model0", "distinct_2", "type_token_ratio", "vocab_coverage", "unigram_entropy", "tail_share", "types_lost"];

    public static TransformerFamily Read(SpecReader model)
    {
        var layers = model.Int("layers", 2, min: 1, max: 48);
        var heads = model.Int("heads", 4, min: 1, max: 64);
        var width = model.Int("width", 128, min: 1, max: 8192);
        if (width % heads != 0)
        {
            throw model.Error("width", $"width {width} must be a multiple of heads ({heads}): each head gets width/heads channels.");
        }
        var context = model.Int("context", 64, min: 1, max: 8192);
        var dropout = model.Double("dropout", 0, min: 0, max: 0.95);
        var weightDecay = model.Double("weight_decay", 0.1, min: 0);
        var lr = model.Double("learning_rate", 1e-3, min: 0, exclusiveMin: true);
        var warmup = model.Int("warmup", 10, min: 0);
        var budget = ReadBudget(model, "steps", "epochs", null);
        var finetune = ReadBudget(model, "finetune_steps", "finetune_epochs", budget);
        var batch = model.Int("batch", 32, min: 1, max: 65536);
        var init = model.Choice("init", "scratch", ["scratch", "model0", "previous"]) switch
        {
            "model0" => TransformerInit.Model0,
            "previous" => TransformerInit.Previous,
            _ => TransformerInit.Scratch,
        };
        EarlyStopping? early = null;
        if (model.Has("early_stopping"))
        {
            var e = model.Map("early_stopping");
            early = new EarlyStopping(e.Int("every", 25, min: 1), e.Int("patience", 3, min: 1), e.Int("validation", 64, min: 1));
            e.Done();
            model.Adopt("early_stopping", e);
        }
        else
        {
            model.Node("early_stopping");
        }
        var tokenDropout = model.Double("token_dropout", 0, min: 0, max: 1);
        var save = model.Bool("save_models", false);
        var samplingReader = model.Map("sampling");
        var sampling = SamplingOptions.Read(samplingReader);
        model.Adopt("sampling", samplingReader);
        return new TransformerFamily(layers, heads, width, context, dropout, weightDecay, lr, warmup, budget, finetune, batch, init,
            early, tokenDropout, save, sampling);
    }

    private static TrainingBudget ReadBudget(SpecReader model, string stepsKey, string epochsKey, TrainingBudget? fallback)
    {
        if (model.Has(stepsKey) && model.Has(epochsKey))
        {
            throw model.Error(epochsKey, $"give either {stepsKey} or {epochsKey}, not both.");
        }
        if (model.Has(epochsKey))
        {
            model.Node(stepsKey);
            return new TrainingBudget(0, model.Double(epochsKey, null, min: 0, exclusiveMin: true));
        }
        model.Node(epochsKey);
        if (!model.Has(stepsKey) && fallback is not null)
        {
            model.Node(stepsKey);
            return fallback;
        }
        return new TrainingBudget(model.Int(stepsKey, 200, min: 1), 0);
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
        var needed = (s.Prompted ? s.PromptLength : 0) + s.MaxLength;
        if (needed > Context)
        {
            var what = s.Prompted ? $"{s.PromptLength}-token prompts plus {s.MaxLength} new tokens" : $"{s.MaxLength} new tokens";
            throw model.Error("context", $"sampling needs {what} = {needed} positions but the context (block size) is {Context}. Raise model.context to {needed} or shorten sampling.max_length / sampling.prompt_length.");
        }
        if (EarlyStopping is { } e && e.ValidationBlocks > data.PoolSize)
        {
            throw model.Error("early_stopping", $"early_stopping.validation asks for {e.ValidationBlocks} real blocks but the pool holds {data.PoolSize}; lower it.");
        }
    }

    public IModel Fit(DataBatch train, FitContext context) => TransformerTrainer.Fit(this, (TokenBatch)train, context);

    /// <summary>The sampling options with lengths left to the data resolved against the pool's block length.</summary>
    internal SamplingOptions SamplingFor(TokenBatch pool) => Sampling.Resolve(pool.Count > 0 ? pool.Length(0) : 1);

    public bool SavesModels => SaveModels;

    public string SaveModelsSetting => "model.save_models: true";

    public string ModelFile(int generation) => $"gen{generation:D3}.safetensors";

    public IModel LoadModel(string path, DataBatch realPool)
    {
        var pool = (TokenBatch)realPool;
        var sampling = SamplingFor(pool);
        return TransformerModel.Load(path, sampling, sampling.Prompted ? pool : null, pool.Tokenizer);
    }
}
