using CollapseLab.Policies;
using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Monitoring;

/// <summary>
/// One arm's monitor with its calibrated thresholds, as a chain consults it after each generation's metrics. It
/// keeps no state of its own: what has alarmed is in the chain's result, and each statistic is recomputed from the
/// values, so a resumed chain continues exactly as an uninterrupted one.
/// </summary>
public sealed class ChainMonitor
{
    private readonly MonitorSpec _spec;
    private readonly List<(Signal Signal, int Metric, MonitorRule Rule, Threshold Threshold)> _watches = [];

    public ChainMonitor(ExperimentSpec experiment, MonitorSpec spec, Calibration calibration)
    {
        _spec = spec;
        foreach (var signal in spec.Signals)
        {
            var metric = experiment.Metrics.ToList().FindIndex(m => m.Name == signal.Metric);
            foreach (var rule in spec.Rules)
            {
                var key = Threshold.Key(spec.CalibrateOn, signal, rule, spec.Far, spec.CalibrationReplicates);
                var threshold = calibration.Find(key) ?? throw new InvalidOperationException(
                    $"{Calibration.FileName} has no threshold for {key}; delete it so the run recalibrates.");
                _watches.Add((signal, metric, rule, threshold));
            }
        }
    }

    public MonitorAction Action => _spec.Action;

    /// <summary>The policy in force after the chain's alarms so far: the action's policy once rollback or inject_real fired.</summary>
    public Policy PolicyAfter(ChainResult result, Policy own) =>
        result.Alarms.Any(a => a.Action is MonitorAction.Rollback or MonitorAction.InjectReal) ? _spec.Action.Then! : own;

    /// <summary>
    /// Records every (signal, rule) that first crosses its threshold at generation <paramref name="g"/>; returns the
    /// action taken (the arm's at the chain's first alarm), or null when none is.
    /// </summary>
    public string? Check(int g, ChainResult result)
    {
        if (g == 0)
        {
            return null;
        }
        string? taken = null;
        var series = new double[g + 1];
        foreach (var (signal, metric, rule, threshold) in _watches)
        {
            if (result.Alarms.Any(a => a.Signal == signal.Metric && a.Rule == rule.Label))
            {
                continue;
            }
            for (var t = 0; t <= g; t++)
            {
                series[t] = result.Value(t, metric);
            }
            var value = MonitorStatistic.Last(rule, signal.Sign, threshold.Scale, series);
            if (value > threshold.Value)
            {
                var action = result.Alarms.Count == 0 ? _spec.Action.Kind : MonitorAction.Mark;
                result.Alarms.Add(new Alarm(g, signal.Metric, rule.Label, value, threshold.Value, action));
                taken ??= action == MonitorAction.Mark ? null : action;
            }
        }
        return taken;
    }
}
