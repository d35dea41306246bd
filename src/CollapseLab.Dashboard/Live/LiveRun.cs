using System.Text.Json;
using System.Text.Json.Nodes;
using CollapseLab.Reports;
using CollapseLab.Storage;
using CollapseLab.Summaries;

namespace CollapseLab.Dashboard.Live;

/// <summary>
/// One run folder followed while it runs (and after): progress.csv while chains write it, summary.csv once the run is
/// complete, run.json for the status, alarms.csv when monitors wrote one, and whether report.html is there yet. Refreshing only stats the files unless
/// one changed, so many viewers of one run cost one reader. Thread-safe.
/// </summary>
public sealed class LiveRun
{
    private readonly Lock _gate = new();
    private readonly ProgressRate _rate = new();
    private readonly ProgressTail _tail;
    private ((long, DateTime) Info, (long, DateTime) Progress, (long, DateTime) Summary, (long, DateTime) Alarms, (long, DateTime) Report) _stamp;
    private RunInfo? _info;
    private List<SummaryRow>? _summary;
    private List<Alarm> _alarms = [];
    private DateTime? _lastChange;
    private long _version;
    private RunSnapshot? _snapshot;
    private (long Version, string Json)? _charts;

    public LiveRun(RunFolder folder)
    {
        Folder = folder;
        Outline = RunOutline.Read(folder);
        _tail = new ProgressTail(folder.File(ProgressLog.FileName), Outline);
    }

    public RunFolder Folder { get; }

    public RunOutline Outline { get; }

    /// <summary>The run now: rereads whatever changed since the last call.</summary>
    public RunSnapshot Refresh() => Refresh(DateTime.UtcNow);

    public RunSnapshot Refresh(DateTime now)
    {
        lock (_gate)
        {
            var stamp = (Stat(RunFolder.InfoFile), Stat(ProgressLog.FileName), Stat("summary.csv"), Stat(AlarmTable.FileName), Stat(ReportBuilder.FileName));
            if (_snapshot is null || stamp != _stamp)
            {
                _stamp = stamp;
                Reload(stamp.Item2.Written);
                _version++;
            }
            var done = _summary is not null ? Outline.TotalSteps : Math.Min(_tail.Steps, Outline.TotalSteps);
            _rate.Observe(now, done);
            var status = _info?.Status ?? "unknown";
            double? left = status == "running"
                ? _rate.SecondsLeft(now, done, Outline.TotalSteps, _info?.Started, firstSession: _info?.Seconds == 0)
                : null;
            _snapshot = new RunSnapshot(Folder.Id, Outline, status, _info?.Started, done, Outline.TotalSteps, left,
                _lastChange is { } t ? Math.Max(0, (now - t).TotalSeconds) : null, Latest(), _alarms,
                _stamp.Report.Item1 >= 0, _version);
            return _snapshot;
        }
    }

    private void Reload(DateTime progressWritten)
    {
        try
        {
            _info = RunInfo.Load(Folder) ?? _info;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            // run.json is replaced atomically; a failed read keeps the last status until the next refresh.
        }
        if (_info?.Status == "complete" && File.Exists(Folder.File("summary.csv")))
        {
            _summary ??= SummaryTable.Read(Folder);
        }
        else
        {
            _summary = null;
            _tail.Read();
        }
        _alarms = AlarmTable.Read(Folder);
        var changed = new[] { progressWritten, _info?.Finished ?? DateTime.MinValue }.Max();
        _lastChange = changed == DateTime.MinValue ? null : changed;
    }

    private (long Length, DateTime Written) Stat(string name)
    {
        var file = new FileInfo(Folder.File(name));
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, DateTime.MinValue);
    }

    private List<ArmLatest> Latest()
    {
        var latest = new List<ArmLatest>();
        var k = Outline.Metrics.Count;
        for (var a = 0; a < Outline.Arms.Count; a++)
        {
            var name = Outline.Arms[a];
            if (_summary is not null)
            {
                var rows = _summary.Where(r => r.Arm == name && r.Generation == Outline.Generations).ToList();
                var means = Outline.Metrics.Select(m => rows.FirstOrDefault(r => r.Metric == m.Name)?.Mean ?? double.NaN).ToList();
                latest.Add(new ArmLatest(name, Outline.Generations, Outline.Replicates, Outline.Replicates, means));
                continue;
            }
            var chains = _tail.Chains.Where(c => c.Key.Arm == a).Select(c => c.Value).ToList();
            var generation = chains.Count == 0 ? -1 : chains.Max(c => c.Latest);
            var at = chains.Where(c => generation >= 0 && c.Has(generation)).ToList();
            var values = new double[k];
            for (var m = 0; m < k; m++)
            {
                var finite = at.Select(c => c.Value(generation, m)).Where(double.IsFinite).ToList();
                values[m] = finite.Count == 0 ? double.NaN : finite.Average();
            }
            latest.Add(new ArmLatest(name, generation, at.Count, chains.Count(c => c.Count == Outline.Generations + 1), values));
        }
        return latest;
    }

    /// <summary>
    /// The report's metric charts as JSON ([{name, spec}]): from summary.csv once complete (with theory), else from
    /// the replicates that have reached each generation so far. Recomputed only when the run changed.
    /// </summary>
    public string ChartsJson()
    {
        lock (_gate)
        {
            var snapshot = _snapshot ?? Refresh();
            if (_charts is { } cached && cached.Version == snapshot.Version)
            {
                return cached.Json;
            }
            var charts = new JsonArray();
            foreach (var (name, spec) in _summary is not null ? FinishedCharts() : LiveCharts())
            {
                charts.Add(new JsonObject { ["name"] = name, ["spec"] = spec });
            }
            var json = Escaping.ScriptJson(charts);
            _charts = (snapshot.Version, json);
            return json;
        }
    }

    private IEnumerable<(string, JsonObject)> FinishedCharts()
    {
        var context = new ReportContext([RunRecord.Load(Folder)], compare: false);
        var picks = GenerationPicks.Series(context.LastGeneration).ToHashSet();
        foreach (var metric in context.Metrics())
        {
            var described = Outline.Metrics.FirstOrDefault(m => m.Name == metric.Name).Description;
            var info = metric.Description.Length > 0 || described is null ? metric : metric with { Description = described };
            var series = context.Arms
                .Select(a => (a.Label, a.Run.Summary.Where(r => r.Arm == a.Arm.Name && r.Metric == metric.Name && picks.Contains(r.Generation)).ToList()))
                .Where(s => s.Item2.Count > 0).ToList();
            yield return (metric.Name, ChartSpecs.Metric(info, series, context.ArmLabels, context.LastGeneration));
        }
    }

    private IEnumerable<(string, JsonObject)> LiveCharts()
    {
        if (_tail.Chains.Count == 0 || Outline.Arms.Count == 0)
        {
            yield break;
        }
        // Each arm's newest generation is drawn even between thinned picks, so the lines reach it.
        var picks = GenerationPicks.Series(Outline.Generations, keep: _tail.Chains.Values.Select(c => c.Latest).Distinct());
        for (var m = 0; m < Outline.Metrics.Count; m++)
        {
            var (name, description) = Outline.Metrics[m];
            var series = new List<(string, List<SummaryRow>)>();
            for (var a = 0; a < Outline.Arms.Count; a++)
            {
                var chains = _tail.Chains.Where(c => c.Key.Arm == a).Select(c => c.Value).ToList();
                var rows = new List<SummaryRow>();
                foreach (var g in picks)
                {
                    var values = chains.Where(c => c.Has(g)).Select(c => c.Value(g, m)).ToArray();
                    if (values.Length == 0)
                    {
                        continue;
                    }
                    var s = Statistic.Of(values, null);
                    rows.Add(new SummaryRow(Outline.Arms[a], g, name, s.Count, s.Finite, s.Mean, s.StdDev, s.CiLow, s.CiHigh,
                        s.Median, s.QuantileLow, s.QuantileHigh, null));
                }
                if (rows.Count > 0)
                {
                    series.Add((Outline.Arms[a], rows));
                }
            }
            yield return (name, ChartSpecs.Metric(new MetricInfo(name, description), series, Outline.Arms, Outline.Generations));
        }
    }
}
