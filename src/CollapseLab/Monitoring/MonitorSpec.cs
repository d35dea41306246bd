using CollapseLab.Data;
using CollapseLab.Extending;
using CollapseLab.Families;
using CollapseLab.Policies;
using CollapseLab.Specs;

namespace CollapseLab.Monitoring;

/// <summary>A metric watched for trouble: <see cref="Sign"/> is +1 when a rise means trouble, −1 when a fall does.</summary>
public sealed record Signal(string Metric, int Sign)
{
    public string Trouble => Sign > 0 ? "up" : "down";
}

/// <summary>
/// How a signal's series becomes one statistic per generation: its change since generation 0 (<c>threshold</c>), or a
/// sequential change detector over generations (<c>cusum</c> with allowance k, <c>page-hinkley</c> with allowance δ,
/// both in units of the null arm's generation-to-generation spread).
/// </summary>
public sealed record MonitorRule(string Name, double Allowance)
{
    public const string Threshold = "threshold";
    public const string Cusum = "cusum";
    public const string PageHinkley = "page-hinkley";

    public static readonly string[] Names = [Threshold, Cusum, PageHinkley];

    /// <summary>The rule as written in alarms.csv, e.g. "cusum(k=0.5)".</summary>
    public string Label => Name == Threshold ? Name : $"{Name}({(Name == Cusum ? "k" : "δ")}={Allowance:G4})";
}

/// <summary>What an arm does at its first alarm: record it, end the chain, roll back and go on under another policy, or inject real data.</summary>
public sealed record MonitorAction(string Kind, Policy? Then)
{
    public const string Mark = "mark";
    public const string Stop = "stop";
    public const string Rollback = "rollback";
    public const string InjectReal = "inject_real";

    public static readonly string[] Kinds = [Mark, Stop, Rollback, InjectReal];

    public string Describe() => Then is null ? Kind : $"{Kind} → {Then.Describe()}";
}

/// <summary>
/// An arm's <c>monitor:</c> section: the signals and rules to watch, the false-alarm rate (per chain, over all its
/// generations) that each (signal, rule)'s threshold is calibrated to on the null arm <see cref="CalibrateOn"/>, the
/// ground truth its warnings are judged against, and the action at the first alarm.
/// </summary>
public sealed record MonitorSpec(
    IReadOnlyList<Signal> Signals,
    IReadOnlyList<MonitorRule> Rules,
    double Far,
    string CalibrateOn,
    int CalibrationReplicates,
    Signal? Truth,
    MonitorAction Action)
{
    /// <summary>Every metric the monitor needs computed: its signals and its ground truth.</summary>
    public IEnumerable<string> Metrics => Signals.Select(s => s.Metric).Concat(Truth is null ? [] : [Truth.Metric]);

    public static MonitorSpec? Read(SpecReader arm, Catalog catalog, IFamily family, ExperimentData data)
    {
        if (!arm.Has("monitor"))
        {
            arm.Node("monitor");
            return null;
        }
        return arm.Section("monitor", m =>
        {
            var signals = ReadList(m, "signals", (r, where) => ReadSignal(r, where, catalog, family, data), required: true);
            var rules = m.Has("rules") ? ReadList(m, "rules", ReadRule, required: true) : [new MonitorRule(MonitorRule.Threshold, 0)];
            var far = m.Double("far", 0.05);
            if (far <= 0 || far >= 0.5)
            {
                throw m.Error("far", $"the target false-alarm rate must lie strictly between 0 and 0.5, got {far:G4}; 0.05 is usual.");
            }
            var calibrateOn = m.String("calibrate_on", null);
            var replicates = m.Int("calibration_replicates", 200, min: 1, max: 1_000_000);
            if (Calibrator.Above(far, replicates) < 0)
            {
                throw m.Error("calibration_replicates", $"with far {far:G4}, calibration needs at least {(int)Math.Ceiling(1 / far) - 1} replicates to place a threshold; got {replicates}.");
            }
            var truth = m.Has("truth") ? m.Section("truth", t => ReadSignal(t, t.Path, catalog, family, data)) : null;
            m.Node("truth");
            var action = ReadAction(m, catalog, data.PoolSize);
            return new MonitorSpec(signals, rules, far, calibrateOn, replicates, truth, action);
        });
    }

    private static List<T> ReadList<T>(SpecReader parent, string key, Func<SpecReader, string, T> read, bool required)
    {
        var node = parent.Node(key);
        var list = node as SpecList;
        if (list is null || list.Items.Count == 0)
        {
            throw parent.Error(key, key == "signals"
                ? "expected a non-empty list of signals, e.g. signals: [{ metric: distinct_2, trouble: down }]."
                : "expected a non-empty list of rules, e.g. rules: [threshold, { rule: cusum, k: 0.5 }, { rule: page-hinkley, delta: 0.5 }].");
        }
        var items = new List<T>();
        var resolved = new List<object>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var where = parent.KeyPath($"{key}[{i}]");
            var map = list.Items[i] switch
            {
                SpecMap x => x,
                SpecScalar s when key == "rules" => new SpecMap([new SpecEntry("rule", s, s.Where)], s.Where),
                SpecScalar s => throw new SpecException(s.Where, where, $"say which way is trouble: {{ metric: {s.Value}, trouble: up }} or trouble: down."),
                var other => throw new SpecException(other.Where, where, "expected a mapping."),
            };
            var (item, values) = SpecReader.Read(map, where, r => (read(r, where), r.Resolved));
            items.Add(item);
            resolved.Add(values);
        }
        parent.Resolved[key] = resolved;
        return items;
    }

    private static Signal ReadSignal(SpecReader r, string where, Catalog catalog, IFamily family, ExperimentData data)
    {
        var name = r.String("metric", null);
        var metric = catalog.Metrics.Find(name)
            ?? throw r.Error("metric", $"unknown signal '{name}'.{Suggestions.DidYouMean(name, catalog.Metrics.Names)} Signals for family '{family.Name}': {string.Join(", ", catalog.AvailableMetrics(family, data))}.");
        if (catalog.Unsupported(metric, family, data) is { } why)
        {
            throw r.Error("metric", $"signal '{name}' {why} (family '{family.Name}'). Signals for this family: {string.Join(", ", catalog.AvailableMetrics(family, data))}.");
        }
        var trouble = r.Choice("trouble", null, ["up", "down"]);
        return new Signal(name, trouble == "up" ? 1 : -1);
    }

    private static MonitorRule ReadRule(SpecReader r, string where)
    {
        var name = r.Choice("rule", null, MonitorRule.Names);
        var allowance = name switch
        {
            MonitorRule.Cusum => r.Double("k", 0.5, min: 0),
            MonitorRule.PageHinkley => r.Double("delta", 0.5, min: 0),
            _ => 0,
        };
        return new MonitorRule(name, allowance);
    }

    private static MonitorAction ReadAction(SpecReader m, Catalog catalog, int poolSize)
    {
        switch (m.Node("action"))
        {
            case null:
                m.Resolved["action"] = MonitorAction.Mark;
                return new MonitorAction(MonitorAction.Mark, null);
            case SpecScalar s when s.Value is MonitorAction.Mark or MonitorAction.Stop:
                m.Resolved["action"] = s.Value;
                return new MonitorAction(s.Value, null);
            case SpecScalar s when s.Value is MonitorAction.Rollback or MonitorAction.InjectReal:
                throw m.Error("action", $"'{s.Value}' needs the policy to continue with, e.g. action: {{ kind: {s.Value}, policy: {(s.Value == MonitorAction.Rollback ? "{ kind: accumulate }" : "{ kind: fresh-real, fraction: 0.5 }")} }}.");
            case SpecScalar s:
                throw m.Error("action", $"unknown action '{s.Value}'.{Suggestions.DidYouMean(s.Value, MonitorAction.Kinds)} Actions: {string.Join(", ", MonitorAction.Kinds)}.");
            default:
                return m.Section("action", a =>
                {
                    var kind = a.Choice("kind", null, MonitorAction.Kinds);
                    if (kind is MonitorAction.Mark or MonitorAction.Stop)
                    {
                        return new MonitorAction(kind, null);
                    }
                    var then = a.Section("policy", p =>
                    {
                        var policy = catalog.Policies.Read(p, "kind", null);
                        if (kind == MonitorAction.InjectReal && policy.Name is not ("keep-real" or "fresh-real"))
                        {
                            throw p.Error("kind", $"inject_real switches to keep-real or fresh-real, got '{policy.Name}'; use rollback for other policies.");
                        }
                        if (kind == MonitorAction.InjectReal && !p.Has("fraction"))
                        {
                            throw p.Error("fraction", "inject_real needs a stated fraction of real data, e.g. fraction: 0.5.");
                        }
                        return policy.Read(p, poolSize);
                    });
                    return new MonitorAction(kind, then);
                });
        }
    }
}
