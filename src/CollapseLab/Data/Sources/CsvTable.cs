using System.Globalization;
using System.Text;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// The numeric columns of a CSV file: an optional header (detected when the first line is not all numbers), then
/// rows of the same width; fields may be quoted ("a, b" with "" for a quote). Without a column list, every column
/// holding numbers is read and columns of text only (ids, labels) are skipped; a column with numbers must hold
/// numbers in every row. Every problem names the file, line and column.
/// </summary>
public sealed record CsvTable(string Path, IReadOnlyList<string> Columns, double[] Values, IReadOnlyList<string> Skipped)
{
    public int Width => Columns.Count;

    public int Rows => Values.Length / Width;

    /// <param name="wanted">Columns to read, by header name (null: every numeric column).</param>
    /// <param name="unknown">The error for a wanted column the file does not have, given its name and the file's columns.</param>
    public static CsvTable Load(string path, IReadOnlyList<string>? wanted = null, Func<string, IReadOnlyList<string>, Exception>? unknown = null)
    {
        if (!File.Exists(path))
        {
            throw new SpecException($"{path}: CSV file not found. Check the path in data.source or data.path (relative to the spec file).");
        }
        var lines = File.ReadAllLines(path);
        var firstContent = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (firstContent < 0)
        {
            throw new SpecException($"{path}: the file is empty; a CSV source needs at least one row of numbers.");
        }
        var delimiter = lines[firstContent].Contains(';', StringComparison.Ordinal) && !lines[firstContent].Contains(',', StringComparison.Ordinal) ? ';' : ',';
        var first = Split(lines[firstContent], delimiter);
        var hasHeader = first.Any(f => !TryNumber(f, out _) && !IsMissing(f));
        var names = hasHeader ? first.Select(f => f.Trim()).ToList() : Enumerable.Range(1, first.Length).Select(i => $"x{i}").ToList();
        var records = new List<(int Line, string[] Fields)>();
        for (var li = hasHeader ? firstContent + 1 : firstContent; li < lines.Length; li++)
        {
            if (lines[li].Trim().Length == 0)
            {
                continue;
            }
            var fields = Split(lines[li], delimiter);
            if (fields.Length != names.Count)
            {
                throw new SpecException($"{path}:{li + 1}: this row has {fields.Length} fields but the {(hasHeader ? "header" : "first row")} has {names.Count}; every row needs the same number of columns.");
            }
            records.Add((li + 1, fields));
        }
        if (records.Count == 0)
        {
            throw new SpecException($"{path}: has a header but no rows of data; add rows of numbers.");
        }
        var chosen = wanted is null
            ? Enumerable.Range(0, names.Count).Where(c => records.Any(r => TryNumber(r.Fields[c], out _))).ToArray()
            : wanted.Select(w => names.IndexOf(w) is var i and >= 0 ? i : throw (unknown?.Invoke(w, names) ?? new SpecException($"{path} has no column '{w}'."))).ToArray();
        if (chosen.Length == 0)
        {
            throw new SpecException($"{path}: no column holds numbers; a CSV source needs numeric columns.");
        }
        var values = new double[records.Count * chosen.Length];
        var k = 0;
        foreach (var (line, fields) in records)
        {
            foreach (var c in chosen)
            {
                values[k++] = Parse(fields[c], path, line, c, names[c]);
            }
        }
        var skipped = Enumerable.Range(0, names.Count).Where(c => !chosen.Contains(c) && wanted is null).Select(c => names[c]).ToArray();
        return new CsvTable(path, chosen.Select(c => names[c]).ToArray(), values, skipped);
    }

    private static double Parse(string field, string path, int line, int column, string name)
    {
        if (IsMissing(field))
        {
            throw new SpecException($"{path}:{line}: column {column + 1} ('{name}') is empty or NaN; remove the row or fill in a number.");
        }
        if (!TryNumber(field, out var v))
        {
            throw new SpecException($"{path}:{line}: column {column + 1} ('{name}') holds '{field.Trim()}', which is not a number; CSV sources must be numeric (use a '.' decimal point), or list the columns to read with data.columns.");
        }
        if (double.IsInfinity(v))
        {
            throw new SpecException($"{path}:{line}: column {column + 1} ('{name}') is infinite; remove the row or fix the value.");
        }
        return v;
    }

    /// <summary>Fields of one line; a field in double quotes may hold the delimiter, and "" stands for one quote.</summary>
    private static string[] Split(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (ch == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == delimiter && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }
        fields.Add(field.ToString());
        return fields.ToArray();
    }

    private static bool IsMissing(string field) => field.Trim().ToLowerInvariant() is "" or "nan" or "na" or "null";

    private static bool TryNumber(string field, out double value) =>
        double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
}
