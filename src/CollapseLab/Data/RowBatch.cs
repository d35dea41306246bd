namespace CollapseLab.Data;

/// <summary>
/// n rows of d numbers, row-major: row i is Span[i·d .. (i+1)·d). The rows may be the first n of a longer buffer
/// that a growing training set appends to (<see cref="Extend"/>); rows already in a batch never change.
/// </summary>
public sealed class RowBatch : DataBatch
{
    public RowBatch(double[] values, int dim)
        : this(values, dim, RowCount(values, dim), null)
    {
    }

    private RowBatch(double[] buffer, int dim, int count, AppendLog? log)
    {
        _buffer = buffer;
        _count = count;
        _log = log;
        Dim = dim;
    }

    private static int RowCount(double[] values, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (values.Length % dim != 0)
        {
            throw new ArgumentException($"{values.Length} values do not make whole rows of {dim}.", nameof(values));
        }
        return values.Length / dim;
    }

    private readonly double[] _buffer;
    private readonly int _count;

    /// <summary>Shared by the batches over one growing buffer: how many rows of it are in use.</summary>
    private sealed class AppendLog
    {
        public int Rows;
    }

    private readonly AppendLog? _log;

    /// <summary>The rows, without copying: what hot loops read.</summary>
    public ReadOnlySpan<double> Span => _buffer.AsSpan(0, _count * Dim);

    private double[]? _exact;

    /// <summary>
    /// The rows as an array of exactly Count·Dim values. A batch over part of a growing buffer copies its rows
    /// once, on first use; code on a hot path reads <see cref="Span"/> instead.
    /// </summary>
    public double[] Values => _buffer.Length == _count * Dim ? _buffer : _exact ??= Span.ToArray();

    public int Dim { get; }

    public override DataKind Kind => DataKind.Rows;

    public override int Count => _count;

    public ReadOnlySpan<double> Row(int i) => _buffer.AsSpan(i * Dim, Dim);

    /// <summary>
    /// This batch's rows then all of <paramref name="more"/>'s, in order. When this batch is the latest over a
    /// growing buffer the new rows are written after it in place, so a set that grows by a generation's samples
    /// costs those samples, not the whole set; otherwise the rows move to a new buffer with room to grow (doubling,
    /// so each row is moved O(1) times on average).
    /// </summary>
    public override DataBatch Append(IReadOnlyList<DataBatch> more) => Extend(more.Select(b => (RowBatch)b).ToArray());

    /// <inheritdoc cref="Append"/>
    public RowBatch Extend(IReadOnlyList<RowBatch> more)
    {
        var added = 0;
        foreach (var batch in more)
        {
            if (batch.Dim != Dim)
            {
                throw new ArgumentException($"cannot extend rows of dimension {Dim} with rows of dimension {batch.Dim}");
            }
            added += batch.Count;
        }
        var total = _count + added;
        var buffer = _buffer;
        var log = _log;
        // Claim the rows after this batch; fails when another batch over the buffer already has them.
        if (log is null || total * Dim > buffer.Length || Interlocked.CompareExchange(ref log.Rows, total, _count) != _count)
        {
            buffer = GC.AllocateUninitializedArray<double>(Math.Max(total, 2 * _count) * Dim);
            Span.CopyTo(buffer);
            log = new AppendLog { Rows = total };
        }
        var offset = _count * Dim;
        foreach (var batch in more)
        {
            batch.Span.CopyTo(buffer.AsSpan(offset));
            offset += batch.Count * Dim;
        }
        return new RowBatch(buffer, Dim, total, log);
    }

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
                rows.Span.CopyTo(values.AsSpan(offset));
                offset += rows.Count * Dim;
                continue;
            }
            foreach (var i in part.Indices)
            {
                rows.Row(i).CopyTo(values.AsSpan(offset));
                offset += Dim;
            }
        }
        return new RowBatch(values, Dim);
    }

    protected override void Write(BinaryWriter writer)
    {
        writer.Write(Dim);
        writer.Write(_count * Dim);
        foreach (var v in Span)
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
