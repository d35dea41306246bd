using CollapseLab.Data;

namespace CollapseLab.Running;

/// <summary>
/// A chain stopped between generations: its results so far and the synthetic batches it still needs. Models are
/// not stored here: model₀ is refitted from the real pool on its own stream, which gives the same bits, and a
/// warm-started chain reads model₀ and its last model from the files its family saved (<see cref="SavedChainModels"/>).
/// </summary>
public sealed record ChainState(ChainResult Result, IReadOnlyList<DataBatch?> Synthetic)
{
    public void Write(BinaryWriter w)
    {
        Result.Write(w);
        w.Write(Synthetic.Count);
        foreach (var batch in Synthetic)
        {
            w.Write(batch is not null);
            batch?.Save(w);
        }
    }

    public static ChainState Read(BinaryReader r)
    {
        var result = ChainResult.Read(r);
        var synthetic = new DataBatch?[r.ReadInt32()];
        for (var i = 0; i < synthetic.Length; i++)
        {
            synthetic[i] = r.ReadBoolean() ? DataBatch.Read(r) : null;
        }
        return new ChainState(result, synthetic);
    }
}
