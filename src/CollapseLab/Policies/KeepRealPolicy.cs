using CollapseLab.Data;

namespace CollapseLab.Policies;

/// <summary>
/// A fraction p of the original real pool (a fresh uniform subset each generation) plus synthetic samples of
/// generation g−1 for the rest, the same total size as the real pool (Shumailov et al. keep 10%).
/// </summary>
public sealed record KeepRealPolicy(double Fraction) : Policy
{
    public override string Kind => "keep-real";

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) => poolSize;

    public override TrainingSet Compose(PolicyInput input)
    {
        var real = (int)Math.Round(Fraction * input.RealPool.Count);
        return RealThenLast(input, [Take(input.RealPool, real, input.Rng)], real);
    }

    public override string Describe() => $"keep-real p={Fraction:G4}";
}
