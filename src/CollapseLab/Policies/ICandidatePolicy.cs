namespace CollapseLab.Policies;

/// <summary>
/// A policy whose training set is a candidate pool for curation to filter: the chain runs the arm's curation steps on
/// <see cref="Candidates"/> (with the origins) instead of on the generation's fresh samples.
/// </summary>
public interface ICandidatePolicy
{
    CandidatePool Candidates(PolicyInput input);
}

/// <summary>A candidate training set and each item's origin (<see cref="Curation.CurationStage.RealOrigin"/> or a generation).</summary>
public sealed record CandidatePool(Data.DataBatch Data, int[] Origins)
{
    public Composition Composition => Of(Origins);

    /// <summary>Counts by origin.</summary>
    public static Composition Of(IReadOnlyList<int> origins) =>
        Composition.Of(origins.Count(o => o == Curation.CurationStage.RealOrigin),
            origins.Where(o => o != Curation.CurationStage.RealOrigin).GroupBy(o => o).Select(g => (g.Key, g.Count())).ToArray());
}
