using CollapseLab.Specs;

namespace CollapseLab.Families.Neural;

/// <summary>Where a generation's weights start: fresh, from model₀ (fine-tuning, as Shumailov et al.) or from the previous generation.</summary>
public enum NeuralInit
{
    Scratch,
    Model0,
    Previous,

    /// <summary>Every generation starts from the same pretrained checkpoint (model.pretrained).</summary>
    Pretrained,
}

/// <summary>How long one fit trains: <see cref="Steps"/> optimiser steps, or (Steps = 0) <see cref="Epochs"/> passes over the training set.</summary>
public sealed record TrainingBudget(int Steps, double Epochs)
{
    /// <summary>Steps for <paramref name="items"/> training items in batches of <paramref name="batch"/>: ⌈epochs·N/B⌉ when counted in epochs.</summary>
    public int Resolve(int items, int batch) =>
        Steps > 0 ? Steps : Math.Max(1, (int)Math.Ceiling(Epochs * items / batch));

    public string Describe() => Steps > 0 ? $"{Steps} steps" : $"{Epochs:G4} epochs";
}

/// <summary>
/// Early stopping on real validation loss: every <see cref="Every"/> steps (null: once per epoch) the loss on
/// <see cref="Validation"/> real items, a seeded subset of the chain's real pool held out of generation 0's training,
/// is measured; training stops after <see cref="Patience"/> evaluations without improvement and the best weights are
/// kept. A warm-started fit also compares with its starting weights.
/// </summary>
public sealed record EarlyStopping(int? Every, int Patience, int Validation);

/// <summary>The defaults a neural family gives the shared training keys.</summary>
public sealed record NeuralDefaults(TrainingBudget Budget, int BatchSize, double WeightDecay, int Patience, int Validation);

/// <summary>
/// The training options the neural families share, read from the same keys the same way: <c>init</c>,
/// <c>steps|epochs</c>, <c>finetune_steps|finetune_epochs</c> (the budget of a warm-started fit),
/// <c>batch_size</c>, <c>learning_rate</c>, <c>weight_decay</c>, <c>dropout</c>, <c>early_stopping</c> and
/// <c>save_models</c>.
/// </summary>
public sealed record NeuralTraining(
    NeuralInit Init,
    TrainingBudget Budget,
    TrainingBudget FinetuneBudget,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    double Dropout,
    EarlyStopping? EarlyStopping,
    bool SaveModels)
{
    public static readonly string[] Inits = ["scratch", "model0", "previous"];

    /// <summary>Names the families used before the keys were shared, with the name that replaced them.</summary>
    private static readonly (string Old, string New)[] Renamed = [("batch", "batch_size"), ("checkpoints", "save_models")];

    public bool WarmStartsFromPrevious => Init == NeuralInit.Previous;

    /// <summary>The init choices when the weights come from a checkpoint (model.pretrained); the first is the default.</summary>
    public static readonly string[] PretrainedInits = ["pretrained", "model0", "previous"];

    public static NeuralTraining Read(SpecReader model, NeuralDefaults defaults, bool pretrained = false)
    {
        foreach (var (old, replacement) in Renamed)
        {
            if (model.Has(old))
            {
                throw model.Error(old, $"unknown key. Did you mean '{replacement}'? The neural families share their training keys, and '{old}' is now '{replacement}'.");
            }
        }
        var choices = pretrained ? PretrainedInits : Inits;
        var init = Enum.Parse<NeuralInit>(model.Choice("init", choices[0], choices), ignoreCase: true);
        var budget = ReadBudget(model, "steps", "epochs", defaults.Budget, recordDefault: true);
        var finetune = ReadBudget(model, "finetune_steps", "finetune_epochs", budget, recordDefault: false);
        var batch = model.Int("batch_size", defaults.BatchSize, min: 1, max: 1 << 20);
        var lr = model.Double("learning_rate", 1e-3, min: 0, exclusiveMin: true);
        var decay = model.Double("weight_decay", defaults.WeightDecay, min: 0);
        var dropout = model.Double("dropout", 0, min: 0, max: 0.95);
        var early = model.Has("early_stopping")
            ? model.Section("early_stopping", e => new EarlyStopping(
                e.Has("every") ? e.Int("every", null, min: 1) : null,
                e.Int("patience", defaults.Patience, min: 1),
                e.Int("validation", defaults.Validation, min: 1)))
            : null;
        var save = model.Bool("save_models", false);
        return new NeuralTraining(init, budget, finetune, batch, lr, decay, dropout, early, save);
    }

    /// <summary>Throws when the validation items would leave nothing of the real pool to train on.</summary>
    public void Validate(int poolSize, string items, SpecReader model)
    {
        if (EarlyStopping is { } e && e.Validation >= poolSize)
        {
            throw model.Error("early_stopping", $"early_stopping.validation holds out {e.Validation} real {items} but the pool holds {poolSize}, which leaves nothing to train on; lower early_stopping.validation or raise data.train.");
        }
    }

    /// <summary>The model whose weights a fit starts from, or null for fresh weights.</summary>
    public IModel? Start(FitContext context) => Init switch
    {
        NeuralInit.Model0 => context.Model0,
        NeuralInit.Previous => context.Previous ?? context.Model0,
        _ => null,
    };

    private static TrainingBudget ReadBudget(SpecReader model, string stepsKey, string epochsKey, TrainingBudget fallback, bool recordDefault)
    {
        if (model.Has(stepsKey) && model.Has(epochsKey))
        {
            throw model.Error(epochsKey, $"give either {stepsKey} or {epochsKey}, not both.");
        }
        if (model.Has(epochsKey) || (recordDefault && !model.Has(stepsKey) && fallback.Steps == 0))
        {
            return new TrainingBudget(0, model.Double(epochsKey, fallback.Epochs, min: 0, exclusiveMin: true));
        }
        return model.Has(stepsKey) || recordDefault
            ? new TrainingBudget(model.Int(stepsKey, fallback.Steps, min: 1), 0)
            : fallback;
    }
}
