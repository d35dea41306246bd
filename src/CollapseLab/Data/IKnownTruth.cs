using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Data;

/// <summary>
/// Real data whose generating distribution is known exactly (a synthetic source, not a file): steps that correct
/// toward the truth or score under it ask the data for this, never for a concrete source.
/// </summary>
public interface IKnownTruth
{
    /// <summary>Fresh rows from the true distribution, on <paramref name="stream"/>.</summary>
    RowBatch DrawTruth(int count, StreamKey stream);

    /// <summary>The true density, or null where the truth is known only by sampling (moons, circles, …).</summary>
    IDensityModel? TruthDensity { get; }
}
