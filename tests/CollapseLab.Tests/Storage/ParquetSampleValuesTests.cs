using System.Globalization;
using CollapseLab.Cli;
using CollapseLab.Reports;
using CollapseLab.Storage;
using DuckDB.NET.Data;

namespace CollapseLab.Tests.Storage;

/// <summary>
/// Per-sample values follow the metrics into Parquet: with output.format: parquet a run writes
/// sample_values.parquet, DuckDB reads from it the rows of the same run's sample_values.csv, export gives the CSV's
/// bytes back, and the report's per-sample series are the same from either file.
/// </summary>
public class ParquetSampleValuesTests
{
    private static string Run(string format)
    {
        var runs = Path.Combine(TestSpecs.TempDirectory(), "runs");
        var spec = Path.Combine(TestSpecs.TempDirectory(), "sv.yaml");
        File.WriteAllText(spec, "name: sv\nseed: 9\ngenerations: 6\nreplicates: 3\n"
            + "data: { source: blobs, centers: 3, std: 0.5, train: 20, test: 200 }\n"
            + "model: { family: gmm, components: 3, covariance: full, max_iter: 30 }\nsamples_per_generation: 20\n"
            + "arms: [{ name: a }, { name: \"b, quoted\" }]\n"
            + $"metrics: [min_component_weight, max_mean_shift, min_spread_ratio]\noutput: {{ format: {format}, sample_values: 2 }}\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.True(CollapseCli.Run(["run", spec, "--runs", runs, "--quiet"], output, error) == 0, error.ToString());
        return Directory.GetDirectories(runs).Single(d => !d.EndsWith(".db", StringComparison.Ordinal));
    }

    private static List<string> DuckRows(string parquet)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT arm, replicate, generation, name, \"index\", value FROM read_parquet('{parquet.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4),
                BitConverter.DoubleToInt64Bits(reader.GetDouble(5)).ToString(CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    [Fact]
    public void DuckDB_export_and_report_read_the_same_values_as_the_csv()
    {
        var parquetRun = Run("parquet");
        var csvRun = Run("csv");
        var parquet = Path.Combine(parquetRun, "sample_values.parquet");
        Assert.True(File.Exists(parquet));
        Assert.False(File.Exists(Path.Combine(parquetRun, "sample_values.csv")));
        var csv = Path.Combine(csvRun, "sample_values.csv");
        var expected = CsvRecords.Read(csv).Select(f => string.Join('|', f[0], f[1], f[2], f[3], f[4],
            BitConverter.DoubleToInt64Bits(Numbers.Parse(f[5])).ToString(CultureInfo.InvariantCulture))).ToList();
        // 2 arms × 2 recording replicates × 7 generations × 3 names × 3 components.
        Assert.Equal(2 * 2 * 7 * 3 * 3, expected.Count);
        Assert.Equal(expected, DuckRows(parquet));

        using var exported = new StringWriter();
        Assert.Equal(0, CollapseCli.Run(["export", parquetRun, "sample-values", "--format", "csv"], exported, TextWriter.Null));
        Assert.Equal(File.ReadAllText(csv), exported.ToString());

        static string Series(string run) => string.Join("\n", SampleTables.Values(new RunFolder(run), 6).Select(s =>
            $"{s.Arm}/{s.Name}/{s.Replicate}/{s.Trajectory}:" + string.Join(";", s.ByGeneration.Select(kv => $"{kv.Key}={string.Join(",", kv.Value.Select(v => BitConverter.DoubleToInt64Bits(v)))}"))));
        var fromCsv = Series(csvRun);
        Assert.Contains("component_spread_ratio", fromCsv, StringComparison.Ordinal);
        Assert.Equal(fromCsv, Series(parquetRun));
    }
}
