namespace CollapseLab.Policies;

/// <summary>Generation g trains on the samples of generation g−1 only: the fully synthetic loop (Shumailov et al.).</summary>
public sealed record ReplacePolicy : Policy
{
    public override string Kind => "replace";

    public override int TrainingSize(int generation, int poolSize, int samplesPerGeneration) => samplesPerGeneration;

    public override TrainingSet Compose(PolicyInput input) =>
        new(input.Last, InPlaceComposition(input.Generation, input.Last.Count));

    public override Composition InPlaceComposition(int generation, int samples) => Composition.Of(0, generation - 1, samples);

    public override string Describe() => "replace";
}
