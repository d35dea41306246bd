namespace CollapseLab.Data;

/// <summary>
/// n rows of d numbers, row-major: row i is Span[i·d .. (i+1)·d); optionally each row's class label (labelled data,
/// e.g. a mixture source whose labels are its components), which travels with the row through policies, curation
/// and checkpoints. The rows may be the first n of a longer buffer that a growing training set appends to
/// (<see cref="Extend"/>); rows already in a batch never change.
/// </summary>
public sealed class RowBatch : DataBatch
{
    public RowBatch(double[] values, int dim, int[]? labels = null)
        : this(values, dim, RowCount(values, dim, labels), labels, null)
    {
    }

    private RowBatch(double[] buffer, int dim, int count, int[]? labels, AppendLog? log)
    {
        _buffer = buffer;
        _count = count;
        _labels = labels;
        _log = log;
        Dim = dim;
    }

    private static int RowCount(double[] values, int dim, int[]? labels)
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
        return values.Length / dim;
    }

    private readonly double[] _buffer;
    private readonly int[]? _labels; // as long as the buffer has rows, when it grows
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

    private int[]? _exactLabels;

    /// <summary>Row i's class label (0 … classes−1), or null for unlabelled rows.</summary>
    public int[]? Labels => _labels is null || _labels.Length == _count ? _labels : _exactLabels ??= _labels[.._count];

    /// <summary>The same rows carrying <paramref name="labels"/>.</summary>
    public RowBatch WithLabels(int[]? labels) => new(Values, Dim, labels);

    public int Dim { get; }

    public override DataKind Kind => DataKind.Rows;

    public override int Count => _count;

    public ReadOnlySpan<double> Row(int i) => _buffer.AsSpan(i * Dim, Dim);

    /// <summary>
    /// This batch's rows then all of <paramref name="more"/>'s, in order. When this batch is the latest over a
    /// growing buffer the new rows are written after it in place, so a set that grows by a generation's samples
    /// costs those samples, not the whole set; otherwise the rows move to a new buffer with room to grow (doubling,
    /// so each row is moved O(1) times on average). Labels survive when every part has them.
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
        var labelled = _labels is not null && more.All(b => b._labels is not null);
        var total = _count + added;
        var (buffer, labels, log) = (_buffer, labelled ? _labels : null, _log);
        // Claim the rows after this batch; fails when another batch over the buffer already has them.
        if (log is null || total * Dim > buffer.Length || Interlocked.CompareExchange(ref log.Rows, total, _count) != _count)
        {
            var capacity = Math.Max(total, 2 * _count);
            buffer = GC.AllocateUninitializedArray<double>(capacity * Dim);
            Span.CopyTo(buffer);
            labels = labelled ? new int[capacity] : null;
            if (labels is not null)
            {
                _labels.AsSpan(0, _count).CopyTo(labels);
            }
            log = new AppendLog { Rows = total };
        }
        var row = _count;
        foreach (var batch in more)
        {
            batch.Span.CopyTo(buffer.AsSpan(row * Dim));
            if (labels is not null)
            {
                batch._labels.AsSpan(0, batch.Count).CopyTo(labels.AsSpan(row));
            }
            row += batch.Count;
        }
        return new RowBatch(buffer, Dim, total, labels, log);
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
        // Labels survive only when every part has them: a set mixing labelled and unlabelled rows has no labels.
        var labels = parts.All(p => ((RowBatch)p.Batch)._labels is not null) ? new int[total] : null;
        var at = 0;
        foreach (var part in parts)
        {
            var rows = (RowBatch)part.Batch;
            if (rows.Dim != Dim)
            {
                throw new ArgumentException($"cannot compose rows of dimension {rows.Dim} with rows of dimension {Dim}");
            }
            if (part.Indices is null)
            {
                rows.Span.CopyTo(values.AsSpan(at * Dim));
                if (labels is not null)
                {
                    rows._labels.AsSpan(0, rows.Count).CopyTo(labels.AsSpan(at));
                }
                at += rows.Count;
                continue;
            }
            foreach (var i in part.Indices)
            {
                rows.Row(i).CopyTo(values.AsSpan(at * Dim));
                if (labels is not null)
                {
                    labels[at] = rows._labels![i];
                }
                at++;
            }
        }
        return new RowBatch(values, Dim, labels);
    }

    /// <summary>The dimension (negated when labels follow the values, so unlabelled checkpoints read as before), then the values.</summary>
    protected override void Write(BinaryWriter writer)
    {
        writer.Write(_labels is null ? Dim : -Dim);
        writer.Write(_count * Dim);
        foreach (var v in Span)
        {
            writer.Write(v);
        }
        if (_labels is not null)
        {
            foreach (var label in _labels.AsSpan(0, _count))
            {
                writer.Write(label);
            }
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
