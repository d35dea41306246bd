using System.Globalization;
using CollapseLab.Running;
using CollapseLab.Summaries;
using Parquet;
using Parquet.Schema;

namespace CollapseLab.Storage;

/// <summary>
/// Run tables as Parquet (columnar, typed, compressed: pandas, polars, DuckDB and Spark read it): the per-replicate
/// metrics and per-sample values as written by a run, and any CSV table converted either way by <c>collapse export</c>. Counts are int32
/// columns, numbers float64 (NaN where the CSV has an empty field), names strings, zstd-compressed.
/// </summary>
public static class ParquetTables
{
    /// <summary>Rows per row group: large enough to compress well, small enough to stream a 12-million-row table.</summary>
    public const int RowGroupRows = 1 << 20;

    /// <summary>
    /// zstd at its fastest level: Parquet.Net's default (smallest size) took 11 s per million float64 values here
    /// against 1.3 s, for under 0.1% smaller files, since metric values barely compress.
    /// </summary>
    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };

    /// <summary>Columns holding counts and indices; other number columns are float64.</summary>
    private static readonly HashSet<string> IntColumns = ["replicate", "generation", "index", "n", "n_finite", "step", "seen", "kept", "changed"];

    /// <summary>metrics.parquet: arm, replicate, generation, metric, value, in the order of metrics.csv.</summary>
    public static void WriteMetrics(Stream stream, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        var spec = summary.Spec;
        var table = new TableWriter(stream, [("arm", typeof(string)), ("replicate", typeof(int)), ("generation", typeof(int)), ("metric", typeof(string)), ("value", typeof(double))]);
        foreach (var chain in chains.OrderBy(c => c.Arm).ThenBy(c => c.Replicate))
        {
            var arm = spec.Arms[chain.Arm].Name;
            for (var g = 0; g <= spec.Generations; g++)
            {
                for (var m = 0; m < spec.Metrics.Count; m++)
                {
                    table.Set(0, arm).Set(1, chain.Replicate).Set(2, g).Set(3, spec.Metrics[m].Name).Set(4, chain.Value(g, m)).EndRow();
                }
            }
        }
        table.Finish();
    }

    /// <summary>sample_values.parquet: arm, replicate, generation, name, index, value, in the order of sample_values.csv.</summary>
    public static void WriteSampleValues(Stream stream, RunSummary summary, IReadOnlyList<ChainResult> chains)
    {
        var table = new TableWriter(stream, [("arm", typeof(string)), ("replicate", typeof(int)), ("generation", typeof(int)), ("name", typeof(string)), ("index", typeof(int)), ("value", typeof(double))]);
        foreach (var chain in CsvExporter.WithSampleValues(chains))
        {
            var arm = summary.Spec.Arms[chain.Arm].Name;
            foreach (var sv in chain.SampleValues)
            {
                for (var i = 0; i < sv.Values.Length; i++)
                {
                    table.Set(0, arm).Set(1, chain.Replicate).Set(2, sv.Generation).Set(3, sv.Name).Set(4, i).Set(5, sv.Values[i]).EndRow();
                }
            }
        }
        table.Finish();
    }

    /// <summary>Converts a CSV table (header first) to Parquet, typing each column by its name.</summary>
    public static void FromCsv(IEnumerable<string[]> records, Stream stream)
    {
        TableWriter? table = null;
        string[]? header = null;
        foreach (var record in records)
        {
            if (header is null)
            {
                header = record;
                table = new TableWriter(stream, [.. header.Select(h => (h, IntColumns.Contains(h) ? typeof(int) : NumberColumn(h) ? typeof(double) : typeof(string)))]);
                continue;
            }
            var row = new object[header.Length];
            for (var i = 0; i < header.Length; i++)
            {
                var text = i < record.Length ? record[i] : "";
                row[i] = table!.Types[i] == typeof(int) ? int.Parse(text, CultureInfo.InvariantCulture)
                    : table.Types[i] == typeof(double) ? Numbers.Parse(text) : text;
            }
            table!.Add(row);
        }
        (table ?? throw new InvalidDataException("the table has no header line")).Finish();
    }

    private static bool NumberColumn(string name) => TableExport.IsNumberColumn(name) && !IntColumns.Contains(name);

    /// <summary>
    /// The records of a Parquet table as CSV fields (header first), numbers formatted as the CSV files write them,
    /// so a table exported to CSV from either format has the same bytes.
    /// </summary>
    public static IEnumerable<string[]> Records(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            yield return [.. fields.Select(f => f.Name)];
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                foreach (var record in GroupRecords(reader, g, fields))
                {
                    yield return record;
                }
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static IEnumerable<string[]> GroupRecords(ParquetReader reader, int g, DataField[] fields)
    {
        using var group = reader.OpenRowGroupReader(g);
        var rows = (int)group.RowCount;
        var columns = fields.Select(f => Read(group, f, rows)).ToArray();
        {
            for (var r = 0; r < rows; r++)
            {
                var record = new string[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    record[c] = columns[c].GetValue(r) switch
                    {
                        double d => Numbers.Format(d),
                        int i => i.ToString(CultureInfo.InvariantCulture),
                        string s => s,
                        null => "",
                        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
                    };
                }
                yield return record;
            }
        }
    }

    private static Array Read(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (field.ClrType == typeof(int))
        {
            var values = new int[rows];
            group.ReadAsync<int>(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            return values;
        }
        if (field.ClrType == typeof(double))
        {
            var values = new double[rows];
            group.ReadAsync<double>(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            return values;
        }
        var strings = new string?[rows];
        group.ReadAsync(field, strings.AsMemory(), null).AsTask().GetAwaiter().GetResult();
        return strings;
    }

    /// <summary>Buffers rows by column and writes a row group each <see cref="RowGroupRows"/> rows.</summary>
    private sealed class TableWriter
    {
        private readonly ParquetWriter _writer;
        private readonly DataField[] _fields;
        private readonly Array[] _columns;
        private int _rows;

        public TableWriter(Stream stream, (string Name, Type Type)[] columns)
        {
            Types = [.. columns.Select(c => c.Type)];
            _fields = [.. columns.Select(c => c.Type == typeof(int) ? new DataField<int>(c.Name)
                : c.Type == typeof(double) ? new DataField<double>(c.Name) : (DataField)new DataField<string>(c.Name))];
            _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), stream, Options).GetAwaiter().GetResult();
            _columns = [.. Types.Select(t => Array.CreateInstance(t, RowGroupRows))];
        }

        public Type[] Types { get; }

        public TableWriter Set(int column, string value)
        {
            ((string[])_columns[column])[_rows] = value;
            return this;
        }

        public TableWriter Set(int column, int value)
        {
            ((int[])_columns[column])[_rows] = value;
            return this;
        }

        public TableWriter Set(int column, double value)
        {
            ((double[])_columns[column])[_rows] = value;
            return this;
        }

        public void Add(object[] row)
        {
            for (var c = 0; c < row.Length; c++)
            {
                _columns[c].SetValue(row[c], _rows);
            }
            EndRow();
        }

        public void EndRow()
        {
            if (++_rows == RowGroupRows)
            {
                Flush();
            }
        }

        private void Flush()
        {
            if (_rows == 0)
            {
                return;
            }
            using var group = _writer.CreateRowGroup();
            for (var c = 0; c < _fields.Length; c++)
            {
                var write = _columns[c] switch
                {
                    int[] ints => group.WriteAsync<int>(_fields[c], ints.AsMemory(0, _rows), null),
                    double[] doubles => group.WriteAsync<double>(_fields[c], doubles.AsMemory(0, _rows), null),
                    var strings => group.WriteAsync(_fields[c], new ArraySegment<string>((string[])strings, 0, _rows), null),
                };
                write.GetAwaiter().GetResult();
            }
            _rows = 0;
        }

        public void Finish()
        {
            Flush();
            _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
