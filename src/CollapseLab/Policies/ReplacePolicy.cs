namespace CollapseLab.Policies;

/// <summary>Generation g trains on the samples of generation g−1 only: the fully synthetic loop (Shumailov et al.).</summary>
public sealed record ReplacePolicy : Policy
{
    public override string Kind => "replace";

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) => samplesPerGeneration;

    public override TrainingSet Compose(PolicyInput input) =>
        new(input.Last, Composition.Of(0, input.Generation - 1, input.Last.Count));

    public override string Describe() => "replace";
}
