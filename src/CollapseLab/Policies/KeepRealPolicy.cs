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
        var size = input.RealPool.Count;
        var real = (int)Math.Round(Fraction * size);
        var realPart = Take(input.RealPool, real, input.Rng);
        var synthPart = Take(input.Last, size - real, input.Rng);
        var data = input.RealPool.Compose([realPart, synthPart]);
        return new TrainingSet(data, Composition.Of(real, input.Generation - 1, size - real));
    }

    public override string Describe() => $"keep-real p={Fraction:G4}";
}
