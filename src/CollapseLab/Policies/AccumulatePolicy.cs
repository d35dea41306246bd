using CollapseLab.Data;

namespace CollapseLab.Policies;

/// <summary>All real data and all synthetic data so far: the training set grows (Gerstgrasser et al.).</summary>
public sealed record AccumulatePolicy : Policy
{
    public override string Kind => "accumulate";

    public override bool KeepsHistory => true;

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) =>
        poolSize + generation * samplesPerGeneration;

    public override TrainingSet Compose(PolicyInput input)
    {
        var parts = new List<BatchPart> { new(input.RealPool, null) };
        for (var k = 0; k < input.Generation; k++)
        {
            parts.Add(new BatchPart(input.Synthetic[k]!, null));
        }
        var data = input.RealPool.Compose(parts);
        var counts = Enumerable.Range(0, input.Generation).Select(k => (k, input.Synthetic[k]!.Count)).ToList();
        return new TrainingSet(data, Composition.Of(input.RealPool.Count, counts));
    }

    public override string Describe() => "accumulate";
}
