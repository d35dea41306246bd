using CollapseLab.Storage;

namespace CollapseLab.Dashboard.Live;

/// <summary>One row of a run's alarms.csv: where a monitor fired, on what, and what the loop did about it.</summary>
public sealed record Alarm(string Arm, int Replicate, int Generation, string Signal, string Rule, double Value, double Threshold, string Action);

/// <summary>
/// alarms.csv (header arm,replicate,generation,signal,rule,value,threshold,action), written by a run's monitors.
/// Read whole each time it changes; a row that does not parse (a torn last line) is skipped.
/// </summary>
public static class AlarmTable
{
    public const string FileName = "alarms.csv";

    public static List<Alarm> Read(RunFolder folder)
    {
        var alarms = new List<Alarm>();
        try
        {
            string[]? columns = null;
            foreach (var record in ReadRecords(folder.File(FileName)))
            {
                if (columns is null)
                {
                    columns = record;
                    continue;
                }
                if (Parse(columns, record) is { } alarm)
                {
                    alarms.Add(alarm);
                }
            }
        }
        catch (IOException)
        {
            // Being replaced as we read: the next refresh reads the new file.
        }
        return alarms;
    }

    private static IEnumerable<string[]> ReadRecords(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        foreach (var record in CsvRecords.Records(reader))
        {
            yield return record;
        }
    }

    private static Alarm? Parse(string[] columns, string[] record)
    {
        string Field(string name)
        {
            var i = Array.IndexOf(columns, name);
            return i >= 0 && i < record.Length ? record[i] : "";
        }
        if (!int.TryParse(Field("replicate"), out var replicate) || !int.TryParse(Field("generation"), out var generation))
        {
            return null;
        }
        return new Alarm(Field("arm"), replicate, generation, Field("signal"), Field("rule"), Number(Field("value")), Number(Field("threshold")), Field("action"));
    }

    private static double Number(string text)
    {
        try
        {
            return Numbers.Parse(text);
        }
        catch (FormatException)
        {
            return double.NaN;
        }
    }
}
