using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// A NumPy .npy array as real data (see <see cref="NpyFile"/>). Like the CSV source: <c>test</c> is a fraction held
/// out by a seeded split or a second file (<c>test: npy:path</c>); <c>train</c> is each replicate's pool size.
/// </summary>
public static class NpySource
{
    public static Func<ulong, ExperimentData> Read(SpecReader data, string path, string baseDirectory)
    {
        var fullPath = SourcePaths.Resolve(path, baseDirectory);
        data.Resolved["source"] = $"npy:{fullPath}";
        var rows = NpyFile.Load(fullPath);
        RowBatch? testRows = null;
        var testFraction = 0.2;
        if (data.Node("test") is SpecScalar s && s.Value.StartsWith("npy:", StringComparison.Ordinal))
        {
            var testPath = SourcePaths.Resolve(s.Value[4..], baseDirectory);
            data.Resolved["test"] = $"npy:{testPath}";
            testRows = NpyFile.Load(testPath);
            if (testRows.Dim != rows.Dim)
            {
                throw data.Error("test", $"{testPath} has {testRows.Dim} columns but {fullPath} has {rows.Dim}; use arrays with the same columns.");
            }
        }
        else
        {
            testFraction = data.Double("test", 0.2, min: 0, max: 1, exclusiveMin: true);
            if (testFraction >= 1)
            {
                throw data.Error("test", "a test fraction must be below 1 so that some rows are left to train on.");
            }
        }
        var trainRows = testRows is null ? rows.Count - (int)Math.Round(rows.Count * testFraction) : rows.Count;
        if (trainRows < 1 || (testRows is null && trainRows == rows.Count))
        {
            throw data.Error("test", $"{fullPath} has {rows.Count} rows: too few to hold out a test fraction of {testFraction} and still train. Add rows or give a separate test file (test: npy:path).");
        }
        var train = data.Int("train", trainRows, min: 1, max: trainRows);
        var description = $"{Path.GetFileName(fullPath)}: {rows.Count} rows × {rows.Dim}";
        return seed =>
        {
            var (trainPart, test) = testRows is null ? FileRowData.Split(rows, testFraction, seed) : (rows, testRows);
            return new FileRowData(trainPart, test, train, description);
        };
    }
}
