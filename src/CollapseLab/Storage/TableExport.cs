using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace CollapseLab.Storage;

/// <summary>
/// The run folder's tables (metrics, summary, composition, samples, sample-values) exported as CSV (the file as
/// written, gunzipped) or JSON (an array of objects; number columns as numbers, ±∞ as "inf"/"-inf", missing as
/// null, as in summary.json). Both stream, so a two-million-row metrics file never has to fit in memory.
/// </summary>
public static class TableExport
{
    public static readonly IReadOnlyDictionary<string, string> Tables = new Dictionary<string, string>
    {
        ["metrics"] = "metrics.csv",
        ["summary"] = "summary.csv",
        ["composition"] = "composition.csv",
        ["samples"] = "samples.csv",
        ["curation-measures"] = "curation_measures.csv",
        ["sample-values"] = "sample_values.csv",
    };

    private static readonly HashSet<string> NumberColumns =
        ["replicate", "generation", "index", "n", "n_finite", "mean", "sd", "ci_low", "ci_high", "median", "q025", "q975", "theory", "value", "share"];

    public static bool IsNumberColumn(string name) => NumberColumns.Contains(name);

    /// <summary>The table's file in <paramref name="folder"/>, or a <see cref="RunFolderException"/> saying why there is none.</summary>
    public static string Locate(RunFolder folder, string table)
    {
        if (!Tables.TryGetValue(table, out var file))
        {
            throw new RunFolderException($"no table '{table}'.{Specs.Suggestions.DidYouMean(table, Tables.Keys)} Tables: {string.Join(", ", Tables.Keys)}.");
        }
        if (Find(folder, file) is { } found)
        {
            return found;
        }
        var why = table is "samples" or "sample-values"
            ? " Only runs whose metrics record per-sample values (or whose data has previews) write it; see output.sample_values in the spec."
            : $" (run status: {RunInfo.Load(folder)?.Status ?? "unknown"}).";
        throw new RunFolderException($"{folder.Path}: no {file}.{why}");
    }

    /// <summary>The records after the header of a table the run may have written in any format; nothing if it has none.</summary>
    public static IEnumerable<string[]> RowsIfAny(RunFolder folder, string table) =>
        Find(folder, Tables[table]) is { } path ? Records(path).Skip(1) : [];

    private static string? Find(RunFolder folder, string file) =>
        new[] { folder.File(file), folder.File(file + ".gz"), folder.File(Path.ChangeExtension(file, ".parquet")) }.FirstOrDefault(File.Exists);

    public static TextReader Open(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        return new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary>The table's records (header first) from a CSV, gzipped CSV or Parquet file.</summary>
    public static IEnumerable<string[]> Records(string path)
    {
        if (path.EndsWith(".parquet", StringComparison.Ordinal))
        {
            foreach (var record in ParquetTables.Records(path))
            {
                yield return record;
            }
            yield break;
        }
        using var reader = Open(path);
        foreach (var record in CsvRecords.Records(reader))
        {
            yield return record;
        }
    }

    public static void WriteCsv(string path, TextWriter output)
    {
        if (path.EndsWith(".parquet", StringComparison.Ordinal))
        {
            foreach (var record in ParquetTables.Records(path))
            {
                output.Write(string.Join(',', record.Select(CsvExporter.Quote)));
                output.Write('\n');
            }
            return;
        }
        using var reader = Open(path);
        var buffer = new char[1 << 16];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
        }
    }

    public static void WriteJson(string path, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        string[]? header = null;
        w.WriteStartArray();
        foreach (var record in Records(path))
        {
            if (header is null)
            {
                header = record;
                continue;
            }
            w.WriteStartObject();
            for (var i = 0; i < header.Length && i < record.Length; i++)
            {
                if (NumberColumns.Contains(header[i]))
                {
                    JsonExporter.WriteNumber(w, header[i], Numbers.Parse(record[i]));
                }
                else
                {
                    w.WriteString(header[i], record[i]);
                }
            }
            w.WriteEndObject();
            if (buffer.Length > 1 << 16)
            {
                Drain(w, buffer, output);
            }
        }
        w.WriteEndArray();
        Drain(w, buffer, output);
        output.WriteLine();
    }

    private static void Drain(Utf8JsonWriter w, MemoryStream buffer, TextWriter output)
    {
        w.Flush();
        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        buffer.SetLength(0);
    }
}
