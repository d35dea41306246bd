namespace CollapseLab.Data;

/// <summary>
/// n rows of d numbers, row-major in one array: row i is Values[i·d .. (i+1)·d); optionally each row's class label
/// (labelled data, e.g. a mixture source whose labels are its components), which travels with the row through
/// policies, curation and checkpoints.
/// </summary>
public sealed class RowBatch : DataBatch
{
    public RowBatch(double[] values, int dim, int[]? labels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (values.Length % dim != 0)
        {
            throw new ArgumentException($"{values.Length} values do not make whole rows of {dim}.", nameof(values));
        }
        if (labels is not null && labels.Length != values.Length / dim)
        {
            throw new ArgumentException($"{labels.Length} labels for {values.Length / dim} rows.", nameof(labels));
        }
        Values = values;
        Dim = dim;
        Labels = labels;
    }

    public double[] Values { get; }

    /// <summary>Row i's class label (0 … classes−1), or null for unlabelled rows.</summary>
    public int[]? Labels { get; }

    /// <summary>The same rows carrying <paramref name="labels"/>.</summary>
    public RowBatch WithLabels(int[]? labels) => new(Values, Dim, labels);

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
        // Labels survive only when every part has them: a set mixing labelled and unlabelled rows has no labels.
        var labels = parts.All(p => ((RowBatch)p.Batch).Labels is not null) ? new int[total] : null;
        var offset = 0;
        foreach (var part in parts)
        {
            var rows = (RowBatch)part.Batch;
            if (labels is not null)
            {
                var at = offset / Dim;
                if (part.Indices is null)
                {
                    rows.Labels!.CopyTo(labels, at);
                }
                else
                {
                    for (var k = 0; k < part.Indices.Length; k++)
                    {
                        labels[at + k] = rows.Labels![part.Indices[k]];
                    }
                }
            }
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
        return new RowBatch(values, Dim, labels);
    }

    /// <summary>The dimension (negated when labels follow the values, so unlabelled checkpoints read as before), then the values.</summary>
    protected override void Write(BinaryWriter writer)
    {
        writer.Write(Labels is null ? Dim : -Dim);
        writer.Write(Values.Length);
        foreach (var v in Values)
        {
            writer.Write(v);
        }
        foreach (var label in Labels ?? [])
        {
            writer.Write(label);
        }
    }

    public static RowBatch ReadBody(BinaryReader reader)
    {
        var header = reader.ReadInt32();
        var dim = Math.Abs(header);
        var values = new double[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadDouble();
        }
        int[]? labels = null;
        if (header < 0)
        {
            labels = new int[values.Length / dim];
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = reader.ReadInt32();
            }
        }
        return new RowBatch(values, dim, labels);
    }
}
