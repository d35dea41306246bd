using System.Text;
using CollapseLab.Storage;

namespace CollapseLab.Dashboard.Live;

/// <summary>
/// Follows a run's progress.csv (see <see cref="ProgressLog"/>): each call to <see cref="Read"/> parses only the
/// whole lines appended since the last, so watching a long run costs what it writes. Values are kept per chain
/// (arm × replicate) and generation; a generation written twice (after a resume) keeps its latest line.
/// </summary>
public sealed class ProgressTail
{
    private readonly string _path;
    private readonly int _generations;
    private readonly int _metrics;
    private readonly List<string> _metricNames;
    private readonly Dictionary<(int Arm, int Replicate), ChainProgress> _chains = [];
    private long _offset;
    private int[]? _columns;

    public ProgressTail(string path, RunOutline outline)
    {
        _path = path;
        _generations = outline.Generations;
        _metrics = outline.Metrics.Count;
        _metricNames = outline.Metrics.Select(m => m.Name).ToList();
    }

    /// <summary>Generations seen, counting each (chain, generation) once.</summary>
    public long Steps { get; private set; }

    public IReadOnlyDictionary<(int Arm, int Replicate), ChainProgress> Chains => _chains;

    /// <summary>Reads what was appended; false when nothing was (or the file is gone).</summary>
    public bool Read()
    {
        FileStream file;
        try
        {
            file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        using (file)
        {
            if (file.Length < _offset)
            {
                // A different file than the one read so far (rewritten from scratch): start over.
                _offset = 0;
                _columns = null;
                _chains.Clear();
                Steps = 0;
            }
            if (file.Length == _offset)
            {
                return false;
            }
            file.Position = _offset;
            var bytes = new byte[file.Length - _offset];
            file.ReadExactly(bytes);
            var end = Array.LastIndexOf(bytes, (byte)'\n');
            if (end < 0)
            {
                return false;
            }
            _offset += end + 1;
            foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n'))
            {
                Parse(line);
            }
            return true;
        }
    }

    private void Parse(string line)
    {
        var fields = SummaryTable.SplitCsv(line);
        if (_columns is null)
        {
            // The header names the spec's metrics; a column the outline lacks is skipped.
            _columns = fields.Skip(3).Select(name => _metricNames.IndexOf(name)).ToArray();
            return;
        }
        if (fields.Count < 3 || !int.TryParse(fields[0], out var arm) || !int.TryParse(fields[1], out var replicate)
            || !int.TryParse(fields[2], out var generation) || generation < 0 || generation > _generations)
        {
            return;
        }
        if (!_chains.TryGetValue((arm, replicate), out var chain))
        {
            chain = new ChainProgress(_generations, _metrics);
            _chains[(arm, replicate)] = chain;
        }
        var values = new double[_metrics];
        Array.Fill(values, double.NaN);
        for (var i = 0; i < _columns.Length && 3 + i < fields.Count; i++)
        {
            if (_columns[i] >= 0)
            {
                values[_columns[i]] = ParseNumber(fields[3 + i]);
            }
        }
        if (chain.Set(generation, values))
        {
            Steps++;
        }
    }

    private static double ParseNumber(string text)
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

/// <summary>One chain's values so far: Values[g·K + k], and which generations have arrived.</summary>
public sealed class ChainProgress
{
    private readonly bool[] _seen;
    private readonly int _metrics;

    public ChainProgress(int generations, int metrics)
    {
        _seen = new bool[generations + 1];
        _metrics = metrics;
        Values = new double[(generations + 1) * metrics];
    }

    public double[] Values { get; }

    /// <summary>The highest generation seen; −1 before any.</summary>
    public int Latest { get; private set; } = -1;

    public int Count { get; private set; }

    public bool Has(int generation) => _seen[generation];

    public double Value(int generation, int metric) => Values[generation * _metrics + metric];

    /// <summary>Stores a generation's values; true when the generation is new.</summary>
    public bool Set(int generation, double[] values)
    {
        values.CopyTo(Values, generation * _metrics);
        Latest = Math.Max(Latest, generation);
        if (_seen[generation])
        {
            return false;
        }
        _seen[generation] = true;
        Count++;
        return true;
    }
}
