namespace CollapseLab.Policies;

/// <summary>
/// A fraction α of newly drawn real samples each generation plus synthetic samples of generation g−1 for the
/// rest, the same total size as the real pool (Alemohammad et al.'s fresh data loop).
/// </summary>
public sealed record FreshRealPolicy(double Fraction) : Policy
{
    public override string Kind => "fresh-real";

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) => poolSize;

    public override TrainingSet Compose(PolicyInput input)
    {
        var size = input.RealPool.Count;
        var fresh = (int)Math.Round(Fraction * size);
        var parts = new List<Data.BatchPart>();
        if (fresh > 0)
        {
            parts.Add(new Data.BatchPart(input.FreshReal(fresh), null));
        }
        parts.Add(Take(input.Last, size - fresh, input.Rng));
        var data = input.RealPool.Compose(parts);
        return new TrainingSet(data, Composition.Of(fresh, input.Generation - 1, size - fresh));
    }

    public override string Describe() => $"fresh-real α={Fraction:G4}";
}
