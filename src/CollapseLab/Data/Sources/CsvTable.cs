using System.Globalization;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// A numeric CSV file: an optional header (detected when the first line is not all numbers), then rows of the same
/// width. Every problem names the file, line and column.
/// </summary>
public sealed record CsvTable(string Path, IReadOnlyList<string> Columns, double[] Values)
{
    public int Width => Columns.Count;

    public int Rows => Values.Length / Width;

    public static CsvTable Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SpecException($"{path}: CSV file not found. Check data.source (paths are relative to the spec file).");
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
        var columns = hasHeader ? first.Select(f => f.Trim().Trim('"')).ToList() : Enumerable.Range(1, first.Length).Select(i => $"x{i}").ToList();
        var values = new List<double>();
        for (var li = hasHeader ? firstContent + 1 : firstContent; li < lines.Length; li++)
        {
            if (lines[li].Trim().Length == 0)
            {
                continue;
            }
            var fields = Split(lines[li], delimiter);
            if (fields.Length != columns.Count)
            {
                throw new SpecException($"{path}:{li + 1}: this row has {fields.Length} fields but the {(hasHeader ? "header" : "first row")} has {columns.Count}; every row needs the same number of columns.");
            }
            for (var c = 0; c < fields.Length; c++)
            {
                if (IsMissing(fields[c]))
                {
                    throw new SpecException($"{path}:{li + 1}: column {c + 1} ('{columns[c]}') is empty or NaN; remove the row or fill in a number.");
                }
                if (!TryNumber(fields[c], out var v))
                {
                    throw new SpecException($"{path}:{li + 1}: column {c + 1} ('{columns[c]}') holds '{fields[c].Trim()}', which is not a number; CSV sources must be numeric (use a '.' decimal point).");
                }
                if (double.IsInfinity(v))
                {
                    throw new SpecException($"{path}:{li + 1}: column {c + 1} ('{columns[c]}') is infinite; remove the row or fix the value.");
                }
                values.Add(v);
            }
        }
        if (values.Count == 0)
        {
            throw new SpecException($"{path}: has a header but no rows of data; add rows of numbers.");
        }
        return new CsvTable(path, columns, values.ToArray());
    }

    private static string[] Split(string line, char delimiter) => line.Split(delimiter);

    private static bool IsMissing(string field) => field.Trim().Trim('"').ToLowerInvariant() is "" or "nan" or "na" or "null";

    private static bool TryNumber(string field, out double value) =>
        double.TryParse(field.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
}
