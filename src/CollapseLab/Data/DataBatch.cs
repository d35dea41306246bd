namespace CollapseLab.Data;

/// <summary>What a family consumes and produces: rows of numbers, or token sequences.</summary>
public enum DataKind
{
    Rows,
    Tokens,
}

/// <summary>
/// An immutable batch of samples of one kind. Policies build training sets from parts of batches by index, so a
/// batch only needs to count, gather and serialise itself.
/// </summary>
public abstract class DataBatch
{
    public abstract DataKind Kind { get; }

    public abstract int Count { get; }

    /// <summary>A new batch holding the given parts, in order: each part all of a batch, or its rows at indices.</summary>
    public abstract DataBatch Compose(IReadOnlyList<BatchPart> parts);

    /// <summary>
    /// This batch's items then all of <paramref name="more"/>'s. A kind that can grow a set in place (rows)
    /// overrides it so a training set grown by one generation costs that generation, not the whole set.
    /// </summary>
    public virtual DataBatch Append(IReadOnlyList<DataBatch> more) =>
        Compose([new BatchPart(this, null), .. more.Select(b => new BatchPart(b, null))]);

    /// <summary>The bytes of item <paramref name="index"/> (a row's doubles, a sequence's token ids): equal bytes, the same item.</summary>
    public abstract ReadOnlySpan<byte> ItemBytes(int index);

    /// <summary>Human-readable form of item <paramref name="index"/> (numbers, decoded text, …) for previews.</summary>
    public abstract string Preview(int index);

    /// <summary>Writes the kind, then the body; <see cref="Read"/> restores the same bits.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write((int)Kind);
        Write(writer);
    }

    public static DataBatch Read(BinaryReader reader) => (DataKind)reader.ReadInt32() switch
    {
        DataKind.Rows => RowBatch.ReadBody(reader),
        DataKind.Tokens => Text.TokenBatch.ReadBody(reader),
        var kind => throw new InvalidDataException($"checkpoint holds a batch of unknown kind {kind}"),
    };

    protected abstract void Write(BinaryWriter writer);
}

/// <summary>A whole batch (Indices null) or the items of it at Indices.</summary>
public readonly record struct BatchPart(DataBatch Batch, int[]? Indices)
{
    public int Count => Indices?.Length ?? Batch.Count;
}
