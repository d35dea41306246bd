using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// A numeric CSV file as real data. <c>test</c> is a fraction held out by a seeded split, or a second file
/// (<c>test: csv:path</c>); <c>train</c> is the size of each replicate's real pool (default: the whole training part).
/// </summary>
public static class CsvSource
{
    public static Func<ulong, ExperimentData> Read(SpecReader data, string path, string baseDirectory)
    {
        var fullPath = SourcePaths.Resolve(path, baseDirectory);
        data.Resolved["source"] = $"csv:{fullPath}";
        var columns = data.Strings("columns");
        var table = CsvTable.Load(fullPath, columns, Unknown(data, fullPath));
        var testNode = data.Node("test");
        CsvTable? testTable = null;
        double testFraction = 0.2;
        if (testNode is SpecScalar s && s.Value.StartsWith("csv:", StringComparison.Ordinal))
        {
            var testPath = SourcePaths.Resolve(s.Value[4..], baseDirectory);
            data.Resolved["test"] = $"csv:{testPath}";
            testTable = CsvTable.Load(testPath, columns ?? table.Columns, Unknown(data, testPath));
        }
        else
        {
            testFraction = data.Double("test", 0.2, min: 0, max: 1, exclusiveMin: true);
            if (testFraction >= 1)
            {
                throw data.Error("test", "a test fraction must be below 1 so that some rows are left to train on.");
            }
        }
        var rows = new RowBatch(table.Values, table.Width);
        var trainRows = testTable is null ? rows.Count - (int)Math.Round(rows.Count * testFraction) : rows.Count;
        if (trainRows < 1 || (testTable is null && trainRows == rows.Count))
        {
            throw data.Error("test", $"{fullPath} has {rows.Count} rows: too few to hold out a test fraction of {testFraction} and still train. Add rows or give a separate test file (test: csv:path).");
        }
        var train = data.Int("train", trainRows, min: 1, max: trainRows);
        var skipped = table.Skipped.Count == 0 ? "" : $"; text columns skipped: {string.Join(", ", table.Skipped)}";
        var description = $"{Path.GetFileName(fullPath)}: {rows.Count} rows × {table.Width} ({string.Join(", ", table.Columns)}{skipped})";
        return seed =>
        {
            var (trainPart, test) = testTable is null
                ? FileRowData.Split(rows, testFraction, seed)
                : (rows, new RowBatch(testTable.Values, testTable.Width));
            return new FileRowData(trainPart, test, train, description);
        };
    }

    private static Func<string, IReadOnlyList<string>, Exception> Unknown(SpecReader data, string path) => (column, columns) =>
        data.Error("columns", $"{path} has no column '{column}'; it has: {string.Join(", ", columns)}.{Suggestions.DidYouMean(column, columns)}");
}
