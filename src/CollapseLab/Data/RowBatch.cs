namespace CollapseLab.Data;

/// <summary>n rows of d numbers, row-major in one array: row i is Values[i·d .. (i+1)·d).</summary>
public sealed class RowBatch : DataBatch
{
    public RowBatch(double[] values, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (values.Length % dim != 0)
        {
            throw new ArgumentException($"{values.Length} values do not make whole rows of {dim}.", nameof(values));
        }
        Values = values;
        Dim = dim;
    }

    public double[] Values { get; }

    public int Dim { get; }

    public override DataKind Kind => DataKind.Rows;

    public override int Count => Values.Length / Dim;

    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * Dim, Dim);

    public override ReadOnlySpan<byte> ItemBytes(int index) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Row(index));

    public override string Preview(int index)
    {
        var row = Row(index);
        var parts = new string[row.Length];
        for (var j = 0; j < row.Length; j++)
        {
            parts[j] = row[j].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        return string.Join(' ', parts);
    }

    public override DataBatch Compose(IReadOnlyList<BatchPart> parts)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part.Count;
        }
        // Every element is copied in below; skipping the zeroing matters for large accumulated sets.
        var values = GC.AllocateUninitializedArray<double>(total * Dim);
        var offset = 0;
        foreach (var part in parts)
        {
            var rows = (RowBatch)part.Batch;
            if (rows.Dim != Dim)
            {
                throw new ArgumentException($"cannot compose rows of dimension {rows.Dim} with rows of dimension {Dim}");
            }
            if (part.Indices is null)
            {
                rows.Values.CopyTo(values, offset);
                offset += rows.Values.Length;
                continue;
            }
            foreach (var i in part.Indices)
            {
                rows.Values.AsSpan(i * Dim, Dim).CopyTo(values.AsSpan(offset));
                offset += Dim;
            }
        }
        return new RowBatch(values, Dim);
    }

    protected override void Write(BinaryWriter writer)
    {
        writer.Write(Dim);
        writer.Write(Values.Length);
        foreach (var v in Values)
        {
            writer.Write(v);
        }
    }

    public static RowBatch ReadBody(BinaryReader reader)
    {
        var dim = reader.ReadInt32();
        var values = new double[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadDouble();
        }
        return new RowBatch(values, dim);
    }
}
