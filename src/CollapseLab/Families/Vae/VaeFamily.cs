using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Specs;

namespace CollapseLab.Families.Vae;

/// <summary>Where each generation's training starts: fresh weights, model₀'s weights, or the previous generation's.</summary>
public enum VaeInit
{
    Scratch,
    Model0,
    Previous,
}

/// <summary>
/// Options of the <c>vae</c> family (Kingma and Welling's MLP VAE, D–H–Z as in pytorch/examples).
/// <c>Decoder</c>: Bernoulli likelihood on pixels, or Gaussian with fixed standard deviation <c>Sigma</c>.
/// <c>Steps</c> (when set) replaces <c>Epochs</c>. <c>Validation</c> real images (a seeded subset of the chain's
/// real pool, never trained on) give early stopping with <c>Patience</c> epochs; 0 turns it off.
/// <c>Shift</c> moves each training image of generations ≥ 1 by up to that many pixels (augmentation of synthetic data).
/// <c>SampleMeans</c>: samples are decoder means instead of draws from the decoder's likelihood.
/// <c>Checkpoints</c>: a folder where every fitted generation is saved as safetensors (see <see cref="VaeFamily.CheckpointPath"/>).
/// </summary>
public sealed record VaeOptions(
    int Hidden, int Latent, bool Gaussian, double Sigma, int Epochs, int? Steps, int BatchSize, double LearningRate,
    double WeightDecay, double Dropout, int Validation, int Patience, VaeInit Init, int Shift, bool SampleMeans,
    string? Checkpoints = null);

/// <summary>The <c>vae</c> family: fits a VAE to rows of pixels in [0, 1] and samples images from its prior.</summary>
public sealed record VaeFamily(VaeOptions Options) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("vae", Read,
        [],
        "data: { source: fashion-mnist, train: 128, test: 128 }\nmodel: { family: vae, hidden: 16, latent: 2, steps: 4 }");

    public static readonly string[] Decoders = ["bernoulli", "gaussian"];
    public static readonly string[] Inits = ["scratch", "model0", "previous"];
    public static readonly string[] SampleModes = ["draw", "mean"];

    public string Name => "vae";

    public bool WarmStartsFromPrevious => Options.Init == VaeInit.Previous;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics => ["fid", "class_entropy", "classes_present", "pixel_variance", "feature_precision", "feature_recall"];

    public static VaeFamily Read(SpecReader model)
    {
        var hidden = model.Int("hidden", 400, min: 1, max: 1 << 16);
        var latent = model.Int("latent", 20, min: 1, max: 4096);
        var gaussian = model.Choice("decoder", "bernoulli", Decoders) == "gaussian";
        var sigma = model.Double("sigma", 0.1, min: 0, exclusiveMin: true);
        var epochs = model.Int("epochs", 10, min: 1, max: 100_000);
        int? steps = model.Has("steps") ? model.Int("steps", null, min: 1) : null;
        var batch = model.Int("batch_size", 128, min: 1, max: 1 << 20);
        var lr = model.Double("learning_rate", 1e-3, min: 0, exclusiveMin: true);
        var decay = model.Double("weight_decay", 0, min: 0);
        var dropout = model.Double("dropout", 0, min: 0, max: 0.95);
        var (validation, patience) = (0, 2);
        if (model.Has("early_stopping"))
        {
            var stop = model.Map("early_stopping");
            validation = stop.Int("validation", 1000, min: 1);
            patience = stop.Int("patience", 2, min: 1);
            stop.Done();
            model.Adopt("early_stopping", stop);
        }
        var init = (VaeInit)Array.IndexOf(Inits, model.Choice("init", "scratch", Inits));
        var shift = 0;
        if (model.Has("augment"))
        {
            var augment = model.Map("augment");
            shift = augment.Int("shift", 1, min: 0, max: 8);
            augment.Done();
            model.Adopt("augment", augment);
        }
        var means = model.Choice("sample", "mean", SampleModes) == "mean";
        var checkpoints = model.OptionalString("checkpoints") is { } folder ? Path.GetFullPath(folder) : null;
        return new VaeFamily(new VaeOptions(hidden, latent, gaussian, sigma, epochs, steps, batch, lr, decay, dropout, validation, patience, init, shift, means, checkpoints));
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (data is not RowData rows)
        {
            throw model.Error("family", "the vae family models images as rows of pixels; use an image source (data.source: fashion-mnist or idx:path).");
        }
        if (Options.Validation > 0 && Options.Validation >= data.PoolSize)
        {
            throw model.Error("early_stopping", $"{Options.Validation} validation images leave nothing of the real pool ({data.PoolSize}) to train on; lower early_stopping.validation or raise data.train.");
        }
        if (Options.Shift > 0 && data is not ImageData)
        {
            throw model.Error("augment", $"shifts need images with a known width and height; {data.Describe()} is not an image source.");
        }
        if (Options.Shift > 0 && data is ImageData image && Options.Shift >= Math.Min(image.Width, image.Height))
        {
            throw model.Error("augment", $"a shift of {Options.Shift} pixels moves {image.Width}×{image.Height} images off the canvas; use a smaller shift.");
        }
        _ = rows;
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var rows = (RowBatch)train;
        var model = VaeTrainer.Fit(this, rows, context);
        if (Options.Checkpoints is { } folder)
        {
            Directory.CreateDirectory(folder);
            model.Save(CheckpointPath(folder, rows, context));
        }
        return model;
    }

    /// <summary>
    /// gen&lt;g&gt;-rep&lt;r&gt;-&lt;hash&gt;.safetensors, the hash (FNV-1a) covering the options, the training rows and the
    /// fit's stream: arms never overwrite each other, and arms that fit the same data the same way share a file.
    /// </summary>
    public string CheckpointPath(string folder, RowBatch train, FitContext context)
    {
        var h = 14695981039346656037UL;
        void Mix(ulong v)
        {
            h = (h ^ v) * 1099511628211UL;
        }
        foreach (var c in (Options with { Checkpoints = null }).ToString())
        {
            Mix(c);
        }
        foreach (var v in train.Values)
        {
            Mix((ulong)BitConverter.DoubleToInt64Bits(v));
        }
        Mix(context.Stream.Hash);
        return Path.Combine(folder, $"gen{context.Generation}-rep{context.Stream.Replicate}-{h:x16}.safetensors");
    }
}
