using System.Globalization;
using System.Text;
using CollapseLab.Specs;

namespace CollapseLab.Storage;

/// <summary>
/// progress.csv: one line per finished generation of every chain while a run is in progress, so `collapse watch`
/// and `collapse serve` can follow it. Header `arm,replicate,generation,` then the spec's metric names; arm is the
/// arm's index in spec.yaml. Lines are buffered whole and handed to the OS every <see cref="FlushInterval"/> and
/// whenever the 64 KB buffer fills (a write per generation cost the fastest runs 20–30% of their time); a reader
/// skips a last line until its newline arrives. Values are the chain's, so they are the same on every machine;
/// the order of lines follows scheduling, and a resumed run appends the
/// generations it repeats since its last checkpoint again, with the same values. The file is a view, never read
/// back by the runner; the run deletes it once its results are exported.
/// </summary>
public sealed class ProgressLog : IDisposable
{
    public const string FileName = "progress.csv";

    /// <summary>How long a finished generation may wait in the buffer before a view can see it.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    private readonly FileStream _file;
    private readonly Lock _gate = new();
    private readonly Timer _flush;
    private bool _pending;

    private ProgressLog(FileStream file)
    {
        _file = file;
        _flush = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    /// <summary>Opens (appending) the progress file of <paramref name="folder"/>; writes the header when the file is new.</summary>
    public static ProgressLog Open(RunFolder folder, ExperimentSpec spec)
    {
        var file = new FileStream(folder.File(FileName), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var log = new ProgressLog(file);
        if (file.Length == 0)
        {
            log.Write("arm,replicate,generation," + string.Join(",", spec.Metrics.Select(m => Quote(m.Name))) + "\n");
        }
        return log;
    }

    /// <summary>Appends generation <paramref name="generation"/> of a chain: its metric values, in the spec's order.</summary>
    public void Append(int arm, int replicate, int generation, ReadOnlySpan<double> values)
    {
        var line = new StringBuilder(32 + 20 * values.Length);
        line.Append(CultureInfo.InvariantCulture, $"{arm},{replicate},{generation}");
        foreach (var v in values)
        {
            line.Append(',').Append(Numbers.Format(v));
        }
        Write(line.Append('\n').ToString());
    }

    private void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_gate)
        {
            _file.Write(bytes);
            _pending = true;
        }
    }

    private void Flush()
    {
        lock (_gate)
        {
            if (_pending && _file.CanWrite)
            {
                _file.Flush();
                _pending = false;
            }
        }
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    public void Dispose()
    {
        _flush.Dispose();
        lock (_gate)
        {
            _file.Dispose();
        }
    }
}
