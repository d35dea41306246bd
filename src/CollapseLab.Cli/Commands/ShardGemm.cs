using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// The GEMM every shard of a submitted run is pinned to. `auto` decides per machine (and OpenBLAS may be missing on
/// some), and shards that multiply with different GEMMs give the neural families different bits; so the batch
/// scripts and pods set COLLAPSELAB_GEMM: the submitter's own explicit choice, else managed, which every machine has
/// and which gives the same bits on its AVX2 and AVX-512 paths.
/// </summary>
internal static class ShardGemm
{
    public static string Kind => Gemm.KindName(Gemm.KindFromEnvironment() == GemmKind.OpenBlas ? GemmKind.OpenBlas : GemmKind.Managed);
}
