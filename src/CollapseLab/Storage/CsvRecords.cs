using System.Text;

namespace CollapseLab.Storage;

/// <summary>
/// Streams the records of a CSV file written by <see cref="CsvExporter"/>: comma-separated, fields with
/// commas, quotes or line breaks double-quoted (so one record may span lines, as generated text samples do).
/// </summary>
public static class CsvRecords
{
    /// <summary>The records after the header line, each as its fields; nothing if the file does not exist.</summary>
    public static IEnumerable<string[]> Read(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = true;
        foreach (var record in Records(reader))
        {
            if (header)
            {
                header = false;
                continue;
            }
            yield return record;
        }
    }

    public static IEnumerable<string[]> Records(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            any = true;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields.ToArray();
                    fields.Clear();
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (any)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }
}
