using CollapseLab.Data;
using CollapseLab.Families;

namespace CollapseLab.Running;

/// <summary>
/// The models a warm-started chain continues from when resumed: model₀ and the last completed generation's, read
/// from the folder its family saved them to (see <see cref="FitContext.ModelDirectory"/>). Saved weights are the
/// fitted weights to the bit, so the resumed chain gives the same bits as one that never stopped.
/// </summary>
internal static class SavedChainModels
{
    /// <summary>False when the family saves no models or a needed file is missing.</summary>
    public static bool TryLoad(IFamily family, string? directory, int completed, DataBatch pool, out IModel? model0, out IModel? previous)
    {
        (model0, previous) = (null, null);
        if (family is not ISavedModels saved || directory is null || completed == 0)
        {
            return false;
        }
        var first = Path.Combine(directory, saved.ModelFile(0));
        var last = Path.Combine(directory, saved.ModelFile(completed - 1));
        if (!File.Exists(first) || !File.Exists(last))
        {
            return false;
        }
        model0 = saved.LoadModel(first, pool);
        previous = completed == 1 ? model0 : saved.LoadModel(last, pool);
        return true;
    }
}
