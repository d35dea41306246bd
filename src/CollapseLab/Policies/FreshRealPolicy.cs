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
        var fresh = (int)Math.Round(Fraction * input.RealPool.Count);
        return RealThenLast(input, fresh > 0 ? [new Data.BatchPart(input.FreshReal(fresh), null)] : [], fresh);
    }

    public override string Describe() => $"fresh-real α={Fraction:G4}";
}
