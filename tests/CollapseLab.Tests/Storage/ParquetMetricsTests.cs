using System.Globalization;
using CollapseLab.Cli;
using DuckDB.NET.Data;

namespace CollapseLab.Tests.Storage;

/// <summary>
/// A run with output.format: parquet writes metrics.parquet; DuckDB (an independent reader) finds in it the same
/// rows as the same run's CSV, and export converts Parquet to CSV and CSV to Parquet without changing a value.
/// </summary>
public class ParquetMetricsTests
{
    private static (int Code, string Output, string Error) Collapse(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Run(string runs, string format)
    {
        var spec = Path.Combine(TestSpecs.TempDirectory(), "p.yaml");
        // kl is infinite once a variance collapses to 0 under a tiny M, so ±∞ and NaN-free finite values both appear.
        File.WriteAllText(spec, $"name: p\nseed: 4\ngenerations: 12\nreplicates: 3\ndata: {{ train: 4, test: 50 }}\nmodel: {{ family: gaussian, estimator: mle }}\n"
            + $"arms: [{{ name: a }}, {{ name: \"b, quoted\" }}]\nmetrics: [variance, kl, tail_mass]\noutput: {{ format: {format} }}\n");
        var run = Collapse("run", spec, "--runs", runs, "--quiet", "--threads", "2");
        Assert.True(run.Code == 0, run.Error);
        return Directory.GetDirectories(runs).Single(d => !d.EndsWith(".db", StringComparison.Ordinal));
    }

    private static List<string> DuckRows(string parquet)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT arm, replicate, generation, metric, value FROM read_parquet('{parquet.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var value = reader.GetDouble(4);
            rows.Add(string.Join('|', reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3),
                BitConverter.DoubleToInt64Bits(value).ToString(CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    private static List<string> CsvRows(string csv) => [.. CollapseLab.Storage.CsvRecords.Read(csv).Select(f => string.Join('|', f[0], f[1], f[2], f[3],
        BitConverter.DoubleToInt64Bits(CollapseLab.Storage.Numbers.Parse(f[4])).ToString(CultureInfo.InvariantCulture)))];

    [Fact]
    public void DuckDB_reads_the_same_values_as_the_csv()
    {
        var parquetRun = Run(Path.Combine(TestSpecs.TempDirectory(), "runs"), "parquet");
        var csvRun = Run(Path.Combine(TestSpecs.TempDirectory(), "runs"), "csv");
        var parquet = Path.Combine(parquetRun, "metrics.parquet");
        Assert.True(File.Exists(parquet));
        Assert.False(File.Exists(Path.Combine(parquetRun, "metrics.csv")));
        var expected = CsvRows(Path.Combine(csvRun, "metrics.csv"));
        Assert.Equal(0, expected.Count % (2 * 3 * 13));
        Assert.True(expected.Count >= 2 * 3 * 13 * 3);
        Assert.Equal(expected, DuckRows(parquet));

        // Parquet → CSV gives the CSV run's bytes; CSV → Parquet is read back by DuckDB as the same rows.
        var exported = Collapse("export", parquetRun, "metrics", "--format", "csv");
        Assert.Equal(File.ReadAllText(Path.Combine(csvRun, "metrics.csv")), exported.Output);
        var converted = Path.Combine(TestSpecs.TempDirectory(), "m.parquet");
        Assert.Equal(0, Collapse("export", csvRun, "metrics", "--format", "parquet", "--out", converted).Code);
        Assert.Equal(expected, DuckRows(converted));

        var noOut = Collapse("export", csvRun, "metrics", "--format", "parquet");
        Assert.Equal(2, noOut.Code);
        Assert.Contains("--out", noOut.Error, StringComparison.Ordinal);
    }
}
