namespace CollapseLab.Tensors.Tests.Support;

/// <summary>Tests that switch the process-wide GEMM run alone, so other tests never see the switch.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGemmCollection
{
    public const string Name = "Global GEMM";
}
