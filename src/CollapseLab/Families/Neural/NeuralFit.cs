using CollapseLab.Data;

namespace CollapseLab.Families.Neural;

/// <summary>Steps run, the mean training loss of the last steps, and the best real validation loss (NaN when not measured).</summary>
public sealed record TrainingReport(int Steps, double TrainingLoss, double ValidationLoss)
{
    /// <summary>What a model read back from a file reports: its training is not known.</summary>
    public static TrainingReport Loaded { get; } = new(0, double.NaN, double.NaN);
}

/// <summary>
/// The training skeleton of the neural families: the steps of one fit with early stopping on held-out real data,
/// and the saving of fitted models. Each family supplies its network's step and validation loss.
/// </summary>
internal static class NeuralFit
{
    /// <summary>Steps whose losses make <see cref="TrainingReport.TrainingLoss"/>.</summary>
    private const int RecentSteps = 10;

    /// <summary>
    /// The real validation items (indices into the chain's real pool: a subset drawn from the fit stream's
    /// "validation" sub-stream at generation 0, so the same every generation) and the rows of
    /// <paramref name="train"/> to train on: all of them, except the validation items when <paramref name="train"/>
    /// is the pool itself (generation 0).
    /// </summary>
    public static (int[]? Validation, int[] Rows) Split(NeuralTraining o, DataBatch train, FitContext context)
    {
        var rows = Enumerable.Range(0, train.Count).ToArray();
        if (o.EarlyStopping is not { } e)
        {
            return (null, rows);
        }
        var pool = context.RealPool;
        var stream = (context.Stream with { Generation = 0 }).Named("validation");
        var validation = stream.Open().Choose(pool.Count, Math.Min(e.Validation, pool.Count - 1));
        if (ReferenceEquals(train, pool))
        {
            var held = validation.ToHashSet();
            rows = rows.Where(i => !held.Contains(i)).ToArray();
        }
        return (validation, rows);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> calls of <paramref name="step"/> (which returns the step's mean loss per item)
    /// on <paramref name="weights"/>. With <paramref name="validationLoss"/>, it is measured every
    /// <see cref="EarlyStopping.Every"/> steps (default <paramref name="stepsPerEpoch"/>) and after the last, and
    /// the best weights are kept; a warm start (<paramref name="warm"/>) is measured first. A non-finite loss ends
    /// the fit with the weights as they are: a diverged fit is a result, reported by the model's degeneracy.
    /// </summary>
    public static TrainingReport Train(NeuralTraining o, float[] weights, int steps, int stepsPerEpoch, bool warm,
        Func<double>? validationLoss, Func<int, double> step)
    {
        var every = o.EarlyStopping?.Every ?? Math.Max(1, stepsPerEpoch);
        var best = double.PositiveInfinity;
        float[]? bestWeights = null;
        var sinceBest = 0;
        var recent = new Queue<double>();
        var run = 0;
        if (validationLoss is not null && warm)
        {
            best = validationLoss();
            bestWeights = (float[])weights.Clone();
        }
        for (var s = 0; s < steps; s++)
        {
            var loss = step(s);
            run = s + 1;
            if (!double.IsFinite(loss))
            {
                return new TrainingReport(run, double.NaN, double.NaN);
            }
            recent.Enqueue(loss);
            if (recent.Count > RecentSteps)
            {
                recent.Dequeue();
            }
            if (validationLoss is not null && (run % every == 0 || run == steps))
            {
                var v = validationLoss();
                if (v < best)
                {
                    (best, sinceBest) = (v, 0);
                    bestWeights = (float[])weights.Clone();
                }
                else if (++sinceBest >= o.EarlyStopping!.Patience)
                {
                    break;
                }
            }
        }
        bestWeights?.CopyTo(weights, 0);
        return new TrainingReport(run, recent.Count > 0 ? recent.Average() : double.NaN, validationLoss is null ? double.NaN : best);
    }

    /// <summary>File name of generation <paramref name="generation"/>'s model, the same for every neural family.</summary>
    public static string ModelFile(int generation) => $"gen{generation:D3}.safetensors";

    public const string SaveModelsSetting = "model.save_models: true";

    /// <summary>
    /// Writes the fitted model into <see cref="FitContext.ModelDirectory"/> when the options save models or the
    /// chain warm-starts from the previous generation (a resumed chain continues from its saved models). A folder
    /// kept only for resuming holds model₀ and the last two generations: the newest may be ahead of the checkpoint.
    /// </summary>
    public static void Save(NeuralTraining o, FitContext context, Action<string> save)
    {
        if (context.ModelDirectory is not { } directory || !(o.SaveModels || o.WarmStartsFromPrevious))
        {
            return;
        }
        Directory.CreateDirectory(directory);
        // Written aside and moved into place, so a run stopped mid-write never leaves half a model to resume from.
        var path = Path.Combine(directory, ModelFile(context.Generation));
        var temporary = path + ".tmp";
        save(temporary);
        File.Move(temporary, path, overwrite: true);
        var stale = context.Generation - 2;
        if (!(o.SaveModels && context.Stream.Replicate == 0) && stale > 0)
        {
            File.Delete(Path.Combine(directory, ModelFile(stale)));
        }
    }
}
