using CollapseLab.Data.Sources;

namespace CollapseLab.Tests.Data;

public class CsvSourceTests
{
    [Fact]
    public void Reads_header_splits_a_held_out_test_set_and_runs()
    {
        var dir = TestSpecs.TempDirectory();
        var lines = new List<string> { "height,weight" };
        var rng = new CollapseLab.Random.RandomStream(9);
        for (var i = 0; i < 400; i++)
        {
            lines.Add(FormattableString.Invariant($"{170 + 10 * rng.NextNormal()},{70 + 8 * rng.NextNormal()}"));
        }
        File.WriteAllLines(Path.Combine(dir, "people.csv"), lines);
        File.WriteAllText(Path.Combine(dir, "spec.yaml"), """
            name: csv
            generations: 5
            replicates: 3
            data: { source: 'csv:people.csv', test: 0.25, train: 100 }
            model: { family: gaussian }
            """);
        var spec = CollapseLab.Specs.SpecLoader.LoadFile(Path.Combine(dir, "spec.yaml"));
        var data = (FileRowData)spec.Arms[0].Data;
        Assert.Equal(2, data.Dim);
        Assert.Equal(100, data.Test.Count);
        Assert.Equal(100, data.PoolSize);
        Assert.InRange(data.ReferenceMean[0], 168, 172);
        var results = TestSpecs.Run(spec);
        Assert.Equal(3, results.Length);
        Assert.Contains("people.csv: 400 rows × 2 (height, weight)", data.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Headerless_files_get_column_names()
    {
        var dir = TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "x.csv"), "1.5,2\n3,4e-1\n");
        var table = CsvTable.Load(Path.Combine(dir, "x.csv"));
        Assert.Equal(["x1", "x2"], table.Columns);
        Assert.Equal([1.5, 2, 3, 0.4], table.Values);
    }

    [Fact]
    public void Text_columns_are_skipped_and_quoted_fields_may_hold_commas()
    {
        var dir = TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "x.csv"), "id,\"city, country\",a,b\nr1,\"Oslo, NO\",1,2\nr2,\"Lima, \"\"PE\"\"\",3,4\n");
        var table = CsvTable.Load(Path.Combine(dir, "x.csv"));
        Assert.Equal(["a", "b"], table.Columns);
        Assert.Equal(["id", "city, country"], table.Skipped);
        Assert.Equal([1.0, 2, 3, 4], table.Values);
    }

    [Fact]
    public void Listed_columns_are_read_and_others_ignored()
    {
        var dir = TestSpecs.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "x.csv"), "a,note,b\n1,ok,2\n3,7,4\n");
        Assert.Equal([2.0, 1, 4, 3], CsvTable.Load(Path.Combine(dir, "x.csv"), ["b", "a"]).Values);
        // Without the list, 'note' holds a number in one row, so it is a numeric column with text in it: an error.
        var e = Assert.Throws<CollapseLab.Specs.SpecException>(() => CsvTable.Load(Path.Combine(dir, "x.csv")));
        Assert.Contains("x.csv:2: column 2 ('note') holds 'ok', which is not a number", e.Message, StringComparison.Ordinal);
    }
}
