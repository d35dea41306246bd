using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Families.Neural;
using CollapseLab.Specs;

namespace CollapseLab.Families.Vae;

/// <summary>
/// Options of the <c>vae</c> family (Kingma and Welling's MLP VAE, D–H–Z as in pytorch/examples).
/// <c>Gaussian</c>: a Gaussian decoder with fixed standard deviation <c>Sigma</c> instead of a Bernoulli one.
/// <c>Shift</c> moves each training image of generations ≥ 1 by up to that many pixels (augmentation of synthetic data).
/// <c>SampleMeans</c>: samples are decoder means instead of draws from the decoder's likelihood.
/// <c>Channels</c> &gt; 0 (<c>encoder: conv</c>) makes the encoder and decoder convolutional (stride-2 convolutions
/// down, nearest upsampling and convolutions up), for square images with a side divisible by 4.
/// <c>Training</c> holds the options shared with the transformer (init, budget, early stopping, saving, …).
/// </summary>
public sealed record VaeOptions(int Hidden, int Latent, bool Gaussian, double Sigma, int Shift, bool SampleMeans, NeuralTraining Training, int Channels = 0);

/// <summary>The <c>vae</c> family: fits a VAE to rows of pixels in [0, 1] and samples images from its prior.</summary>
public sealed record VaeFamily(VaeOptions Options) : IFamily, ISavedModels
{
    public static FamilyRegistration Registration { get; } = new("vae", Read,
        [Capabilities.SavedWeights],
        "data: { source: fashion-mnist, train: 128, test: 128 }\nmodel: { family: vae, hidden: 16, latent: 2, steps: 4 }");

    public static readonly string[] Decoders = ["bernoulli", "gaussian"];
    public static readonly string[] SampleModes = ["draw", "mean"];
    public static readonly string[] Encoders = ["mlp", "conv"];

    /// <summary>10 epochs of 128 images, Adam without weight decay; early stopping on 1000 real images, patience 2.</summary>
    public static readonly NeuralDefaults Defaults = new(new TrainingBudget(0, 10), BatchSize: 128, WeightDecay: 0, Patience: 2, Validation: 1000);

    public string Name => "vae";

    public bool WarmStartsFromPrevious => Options.Training.WarmStartsFromPrevious;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics => ["fid", "class_entropy", "classes_present", "pixel_variance", "feature_precision", "feature_recall"];

    public static VaeFamily Read(SpecReader model)
    {
        var hidden = model.Int("hidden", 400, min: 1, max: 1 << 16);
        var latent = model.Int("latent", 20, min: 1, max: 4096);
        var gaussian = model.Choice("decoder", "bernoulli", Decoders) == "gaussian";
        var sigma = model.Double("sigma", 0.1, min: 0, exclusiveMin: true);
        var shift = model.Has("augment") ? model.Section("augment", a => a.Int("shift", 1, min: 0, max: 8)) : 0;
        var means = model.Choice("sample", "mean", SampleModes) == "mean";
        var conv = model.Choice("encoder", "mlp", Encoders) == "conv";
        if (!conv && model.Has("channels"))
        {
            throw model.Error("channels", "channels sets the width of a convolutional VAE; add encoder: conv, or remove channels.");
        }
        // Read only for conv, so an MLP VAE's resolved spec holds no channels to refuse when it is read back.
        var channels = conv ? model.Int("channels", 16, min: 1, max: 1024) : 0;

        var training = NeuralTraining.Read(model, Defaults);
        return new VaeFamily(new VaeOptions(hidden, latent, gaussian, sigma, shift, means, training, channels));
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (data is not RowData)
        {
            throw model.Error("family", "the vae family models images as rows of pixels; use an image source (data.source: fashion-mnist or idx:path).");
        }
        Options.Training.Validate(data.PoolSize, "images", model);
        if (Options.Channels > 0 && (data is not ImageData square || square.Width != square.Height || square.Width % 4 != 0))
        {
            throw model.Error("encoder", $"encoder: conv needs square images whose side is divisible by 4, but {data.Describe()} is not; use encoder: mlp, or an image source such as fashion-mnist.");
        }
        if (Options.Shift > 0 && data is not ImageData)
        {
            throw model.Error("augment", $"shifts need images with a known width and height; {data.Describe()} is not an image source.");
        }
        if (Options.Shift > 0 && data is ImageData image && Options.Shift >= Math.Min(image.Width, image.Height))
        {
            throw model.Error("augment", $"a shift of {Options.Shift} pixels moves {image.Width}×{image.Height} images off the canvas; use a smaller shift.");
        }
    }

    public IModel Fit(DataBatch train, FitContext context) => VaeTrainer.Fit(this, (RowBatch)train, context);

    public bool SavesModels => Options.Training.SaveModels;

    public string SaveModelsSetting => NeuralFit.SaveModelsSetting;

    public string ModelFile(int generation) => NeuralFit.ModelFile(generation);

    public IModel LoadModel(string path, DataBatch realPool) => VaeModel.Load(path);
}
