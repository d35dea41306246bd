namespace CollapseLab.Storage;

/// <summary>summary.csv read back: what `collapse show` and reports use without re-running anything.</summary>
public sealed record SummaryRow(string Arm, int Generation, string Metric, int Count, int Finite, double Mean, double StdDev,
    double CiLow, double CiHigh, double Median, double QuantileLow, double QuantileHigh, double? Theory);

public static class SummaryTable
{
    public static List<SummaryRow> Read(RunFolder folder)
    {
        var path = folder.File("summary.csv");
        if (!File.Exists(path))
        {
            var status = RunInfo.Load(folder)?.Status ?? "unknown";
            throw new RunFolderException($"{folder.Path}: no summary.csv (run status: {status}). A stopped run can be finished with 'collapse run --resume {folder.Path}'.");
        }
        var rows = new List<SummaryRow>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = SplitCsv(line);
            rows.Add(new SummaryRow(f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2],
                int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
                Numbers.Parse(f[5]), Numbers.Parse(f[6]), Numbers.Parse(f[7]), Numbers.Parse(f[8]), Numbers.Parse(f[9]),
                Numbers.Parse(f[10]), Numbers.Parse(f[11]), f[12].Length == 0 ? null : Numbers.Parse(f[12])));
        }
        return rows;
    }

    /// <summary>Splits one CSV line, honouring double-quoted fields.</summary>
    public static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
