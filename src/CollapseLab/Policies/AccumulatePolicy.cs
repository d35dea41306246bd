using CollapseLab.Data;

namespace CollapseLab.Policies;

/// <summary>All real data and all synthetic data so far: the training set grows (Gerstgrasser et al.).</summary>
public sealed record AccumulatePolicy : Policy
{
    public override string Kind => "accumulate";

    public override bool KeepsHistory => true;

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) =>
        poolSize + generation * samplesPerGeneration;

    /// <summary>
    /// Last generation's set plus generation g−1's samples, appended in place (the same items in the same order
    /// as composing real pool, generation 0, …, g−1 afresh), so a generation costs its own samples, not the set.
    /// </summary>
    public override TrainingSet Compose(PolicyInput input)
    {
        var g = input.Generation;
        var counts = Enumerable.Range(0, g).Select(k => (k, input.Synthetic[k]!.Count)).ToList();
        var before = input.RealPool.Count + counts.Take(g - 1).Sum(c => c.Item2);
        var data = input.PreviousTraining is { } previous && previous.Count == before
            ? previous.Append([input.Synthetic[g - 1]!])
            : input.RealPool.Append(Enumerable.Range(0, g).Select(k => input.Synthetic[k]!).ToArray());
        return new TrainingSet(data, Composition.Of(input.RealPool.Count, counts));
    }

    public override string Describe() => "accumulate";
}
