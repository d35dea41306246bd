using CollapseLab.Data;

namespace CollapseLab.Policies;

/// <summary>
/// The web-scrape setting: generation g's candidate pool holds <see cref="Size"/> items, a share <see cref="Rate"/> of
/// them synthetic (uniform over the samples of generation g−1 alone, as under replace, or with <see cref="AllEarlier"/>
/// of generations 0 … g−1) and the rest from the real pool, shuffled. The
/// arm's curation steps then filter the pool, judged against the origins the ledger keeps; the fit sees only the
/// survivors, never their origins. Without curation the pool is the training set.
/// </summary>
public sealed record ContaminatedPoolPolicy(double Rate, int Size, bool AllEarlier) : Policy, ICandidatePolicy
{
    public override string Kind => "contaminated";

    public override bool KeepsHistory => AllEarlier;

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) => Size;

    public override TrainingSet Compose(PolicyInput input)
    {
        var pool = Candidates(input);
        return new TrainingSet(pool.Data, pool.Composition);
    }

    public CandidatePool Candidates(PolicyInput input)
    {
        var rng = input.Rng;
        var synthetic = (int)Math.Round(Rate * Size);
        var real = Size - synthetic;
        var parts = new List<BatchPart> { Take(input.RealPool, real, rng) };
        var origins = new List<int>(Size);
        origins.AddRange(Enumerable.Repeat(Curation.CurationStage.RealOrigin, real));
        var first = AllEarlier ? 0 : input.Generation - 1;
        var earlier = Enumerable.Range(first, input.Generation - first).Select(k => input.Synthetic[k]!).ToArray();
        var total = earlier.Sum(b => b.Count);
        var picks = synthetic <= total
            ? rng.Choose(total, synthetic)
            : Enumerable.Range(0, synthetic).Select(_ => rng.NextInt(total)).ToArray();
        Array.Sort(picks);
        foreach (var (k, local) in SplitBySource(earlier, picks))
        {
            parts.Add(new BatchPart(earlier[k], local));
            origins.AddRange(Enumerable.Repeat(first + k, local.Length));
        }
        var ordered = input.RealPool.Compose(parts);
        // Shuffled, so that no step can read an item's origin from its position.
        var shuffle = rng.Permutation(Size);
        return new CandidatePool(ordered.Compose([new BatchPart(ordered, shuffle)]), shuffle.Select(i => origins[i]).ToArray());
    }

    public override string Describe() => $"contaminated pool of {Size}, {Rate:P0} synthetic from {(AllEarlier ? "all earlier generations" : "the last generation")}";
}
