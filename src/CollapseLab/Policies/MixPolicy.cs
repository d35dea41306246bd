namespace CollapseLab.Policies;

/// <summary>The whole real pool plus λ·|real| synthetic samples of generation g−1 (Bertrand et al.).</summary>
public sealed record MixPolicy(double Ratio) : Policy
{
    public override string Kind => "mix";

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) =>
        poolSize + (int)Math.Round(Ratio * poolSize);

    public override TrainingSet Compose(PolicyInput input)
    {
        var real = input.RealPool.Count;
        var synthetic = (int)Math.Round(Ratio * real);
        var data = input.RealPool.Compose([new Data.BatchPart(input.RealPool, null), Take(input.Last, synthetic, input.Rng)]);
        return new TrainingSet(data, Composition.Of(real, input.Generation - 1, synthetic));
    }

    public override string Describe() => $"mix λ={Ratio:G4}";
}
