using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Families.Neural;
using CollapseLab.Specs;

namespace CollapseLab.Families.Diffusion;

/// <summary>
/// Options of the <c>diffusion</c> family (DDPM with ε-prediction, Ho et al. 2020): T = <c>Timesteps</c> noise
/// steps on a linear or cosine schedule, a sampler (ancestral, or DDIM with S steps) with sampling bias λ, and a
/// denoiser: an MLP for rows of any width or a small U-Net for square images. <c>TrajectorySteps</c> is k, the
/// last reverse steps over which x̂₀'s variance is measured. <c>Training</c> holds the keys shared with the other
/// neural families (init scratch|model0|previous, budget, early stopping, saving, …).
/// </summary>
public sealed record DiffusionOptions(
    int Timesteps,
    string Schedule,
    SamplerSettings Sampler,
    string Denoiser,
    int Hidden,
    int Layers,
    int Channels,
    int TimeDim,
    int TrajectorySteps,
    NeuralTraining Training)
{
    public bool Image => Denoiser == "unet";
}

/// <summary>The <c>diffusion</c> family: fits a DDPM to rows (or images as rows of pixels) and samples by reverse diffusion.</summary>
public sealed record DiffusionFamily(DiffusionOptions Options) : IFamily, ISavedModels
{
    public static FamilyRegistration Registration { get; } = new("diffusion", Read,
        [Capabilities.SavedWeights, Capabilities.TrajectoryVariance],
        "data: { source: grid, k: 2, train: 128, test: 128 }\nmodel: { family: diffusion, timesteps: 20, hidden: 16, layers: 2, steps: 20, batch_size: 64 }");

    /// <summary>3000 steps of 256 rows, AdamW without weight decay; early stopping on 500 real rows, patience 3.</summary>
    public static readonly NeuralDefaults Defaults = new(new TrainingBudget(3000, 0), BatchSize: 256, WeightDecay: 0, Patience: 3, Validation: 500);

    public string Name => "diffusion";

    public bool WarmStartsFromPrevious => Options.Training.WarmStartsFromPrevious;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics => Options.Image
        ? ["fid", "classes_present", "class_entropy", "pixel_variance", "trajectory_variance"]
        : ["precision", "recall", "mode_coverage", "trajectory_variance"];

    public static DiffusionFamily Read(SpecReader model)
    {
        var timesteps = model.Int("timesteps", 1000, min: 1, max: 100_000);
        var schedule = model.Choice("schedule", "linear", NoiseSchedule.Kinds);
        var kind = model.Choice("sampler", "ancestral", SamplerSettings.Kinds);
        if (kind == "ancestral" && model.Has("sampling_steps"))
        {
            throw model.Error("sampling_steps", "ancestral sampling takes all T steps; use sampler: ddim to sample in fewer.");
        }

        var samplingSteps = kind == "ddim" ? model.Int("sampling_steps", Math.Min(50, timesteps), min: 1) : timesteps;
        if (samplingSteps > timesteps)
        {
            throw model.Error("sampling_steps", $"is {samplingSteps}, more than the {timesteps} noise steps (timesteps); DDIM takes a subset of them, so use at most {timesteps}.");
        }

        var lambda = model.Double("lambda", 1.0, min: 0, exclusiveMin: true);
        var denoiser = model.Choice("denoiser", "mlp", Diffusion.Denoiser.Kinds);
        var hidden = model.Int("hidden", 128, min: 1, max: 1 << 14);
        var layers = model.Int("layers", 3, min: 1, max: 64);
        var channels = model.Int("channels", 32, min: 1, max: 1024);
        var timeDim = model.Int("time_dim", 32, min: 2, max: 4096);
        if (timeDim % 2 != 0)
        {
            throw model.Error("time_dim", $"is {timeDim}; the sinusoidal embedding needs an even width (half cosines, half sines).");
        }

        var trajectory = model.Int("trajectory_steps", Math.Max(1, samplingSteps / 10), min: 1);
        if (trajectory > samplingSteps)
        {
            throw model.Error("trajectory_steps", $"is {trajectory}, but the sampler runs {samplingSteps} reverse steps; use at most {samplingSteps}.");
        }

        var training = NeuralTraining.Read(model, Defaults);
        return new DiffusionFamily(new DiffusionOptions(timesteps, schedule, new SamplerSettings(kind, samplingSteps, lambda), denoiser,
            hidden, layers, channels, timeDim, trajectory, training));
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (data is not RowData)
        {
            throw model.Error("family", "the diffusion family models numeric rows or images; use a row or image source (grid, mixture, moons, fashion-mnist, …).");
        }

        if (Options.Image && !IsUNetImage(data))
        {
            throw model.Error("denoiser", $"the unet denoiser needs square images whose side is divisible by 4, but {data.Describe()} is {(data is ImageData ? "not such an image source" : "row data")}; use denoiser: mlp for rows, or an image source such as fashion-mnist.");
        }

        Options.Training.Validate(data.PoolSize, "rows", model);
    }

    private static bool IsUNetImage(ExperimentData data) => data is ImageData image && image.Width == image.Height && image.Width % 4 == 0;

    /// <summary>The sizes of a fresh network for rows of width <paramref name="dim"/>.</summary>
    internal IReadOnlyDictionary<string, int> NetworkSettings(int dim) => Options.Image
        ? new Dictionary<string, int> { ["side"] = (int)Math.Round(Math.Sqrt(dim)), ["channels"] = Options.Channels, ["time_dim"] = Options.TimeDim }
        : new Dictionary<string, int> { ["dim"] = dim, ["hidden"] = Options.Hidden, ["layers"] = Options.Layers, ["time_dim"] = Options.TimeDim };

    public IModel Fit(DataBatch train, FitContext context) => DiffusionTrainer.Fit(this, (RowBatch)train, context);

    public bool SavesModels => Options.Training.SaveModels;

    public string SaveModelsSetting => NeuralFit.SaveModelsSetting;

    public string ModelFile(int generation) => NeuralFit.ModelFile(generation);

    public IModel LoadModel(string path, DataBatch realPool) => DiffusionModel.Load(path);
}
