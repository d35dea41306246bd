using CollapseLab.Data;

namespace CollapseLab.Policies;

/// <summary>
/// A uniform subsample of fixed size from all real and all synthetic data so far (Kazdan et al.): the data grow,
/// the compute per generation does not. When fewer items exist than the size, all of them are used.
/// </summary>
public sealed record AccumulateSubsamplePolicy(int Size) : Policy
{
    public override string Kind => "accumulate-subsample";

    public override bool KeepsHistory => true;

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) =>
        Math.Min(Size, poolSize + generation * samplesPerGeneration);

    public override TrainingSet Compose(PolicyInput input)
    {
        var sources = new List<DataBatch> { input.RealPool };
        for (var k = 0; k < input.Generation; k++)
        {
            sources.Add(input.Synthetic[k]!);
        }
        var total = sources.Sum(s => s.Count);
        var take = Math.Min(Size, total);
        var picked = input.Rng.Choose(total, take);
        Array.Sort(picked);
        // Map global indices back to (source, local index), keeping the chosen order by origin.
        var parts = new List<BatchPart>();
        var counts = new List<(int, int)>();
        var real = 0;
        foreach (var (s, local) in SplitBySource(sources, picked))
        {
            parts.Add(new BatchPart(sources[s], local));
            if (s == 0)
            {
                real = local.Length;
            }
            else
            {
                counts.Add((s - 1, local.Length));
            }
        }
        var data = input.RealPool.Compose(parts);
        return new TrainingSet(data, Composition.Of(real, counts));
    }

    public override string Describe() => $"accumulate-subsample size={Size}";
}
