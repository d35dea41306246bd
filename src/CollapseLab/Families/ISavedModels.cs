using CollapseLab.Data;

namespace CollapseLab.Families;

/// <summary>
/// A family that can write the models it fits (replicate 0's, one file a generation, under the run folder's
/// models/arm&lt;k&gt;/) and read them back, so a finished or stopped run's models can be sampled again.
/// </summary>
public interface ISavedModels
{
    /// <summary>True when these options write the fitted models.</summary>
    bool SavesModels { get; }

    /// <summary>The spec setting that turns saving on, e.g. "model.save_models: true".</summary>
    string SaveModelsSetting { get; }

    /// <summary>File name of generation <paramref name="generation"/>'s model inside its arm's model folder.</summary>
    string ModelFile(int generation);

    /// <summary>
    /// Reads a model this family wrote; <paramref name="realPool"/> is the chain's real pool, rebuilt from the run's
    /// spec (tokenizer, prompts), so the model samples as it did in the run under these options.
    /// </summary>
    IModel LoadModel(string path, DataBatch realPool);
}
