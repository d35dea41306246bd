using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Summaries;

namespace CollapseLab.Monitoring;

/// <summary>
/// How well one (signal, rule) — or "any", the chain's first alarm of all — warned in one arm: the share of chains
/// that alarmed (on the null arm: the false-alarm rate, with its standard error), and against the ground truth's
/// onset in each chain (the first generation g ≥ 1 whose truth value leaves generation 0's [2.5%, 97.5%] range
/// across the arm's replicates in the trouble direction) the lead time onset − alarm (positive: the warning came
/// first), and how many collapses it missed (an onset and no alarm at all).
/// </summary>
public sealed record SignalQuality(string Arm, bool IsNull, string Signal, string Rule, double TargetFar, int Chains, int Alarmed,
    int Onsets, int Early, int Missed, Statistic Lead)
{
    public double AlarmRate => Chains == 0 ? 0 : (double)Alarmed / Chains;

    public double AlarmRateError => Chains == 0 ? 0 : Math.Sqrt(AlarmRate * (1 - AlarmRate) / Chains);

    public const string Any = "any";

    public static List<SignalQuality> Of(ExperimentSpec spec, IReadOnlyList<ChainResult> chains)
    {
        var rows = new List<SignalQuality>();
        foreach (var arm in spec.Arms)
        {
            if (arm.Monitor is not { } monitor)
            {
                continue;
            }
            var mine = chains.Where(c => c.Arm == arm.Index).OrderBy(c => c.Replicate).ToList();
            var onsets = ChainOnsets(spec, monitor.Truth, mine);
            var watches = monitor.Signals.SelectMany(s => monitor.Rules.Select(r => (s.Metric, r.Label))).Append((Any, Any));
            foreach (var (signal, rule) in watches)
            {
                var first = mine.Select(c => c.Alarms.Where(a => signal == Any || (a.Signal == signal && a.Rule == rule))
                    .Select(a => (int?)a.Generation).Min()).ToList();
                var leads = new List<double>();
                int withOnset = 0, early = 0, missed = 0;
                for (var c = 0; c < mine.Count; c++)
                {
                    if (onsets[c] is not { } onset)
                    {
                        continue;
                    }
                    withOnset++;
                    if (first[c] is { } alarm)
                    {
                        leads.Add(onset - alarm);
                        early += alarm < onset ? 1 : 0;
                    }
                    else
                    {
                        missed++;
                    }
                }
                rows.Add(new SignalQuality(arm.Name, arm.Name == monitor.CalibrateOn, signal, rule, monitor.Far, mine.Count,
                    first.Count(f => f is not null), withOnset, early, missed, Statistic.Of(leads.ToArray(), null)));
            }
        }
        return rows;
    }

    /// <summary>Each chain's ground-truth onset, or null where the truth stays within generation 0's range (or none is stated).</summary>
    private static List<int?> ChainOnsets(ExperimentSpec spec, Signal? truth, List<ChainResult> chains)
    {
        var metric = truth is null ? -1 : spec.Metrics.ToList().FindIndex(m => m.Name == truth.Metric);
        if (metric < 0 || chains.Count == 0)
        {
            return chains.Select(_ => (int?)null).ToList();
        }
        var band = Statistic.Of(chains.Select(c => c.Value(0, metric)).ToArray(), null);
        var bound = truth!.Sign > 0 ? band.QuantileHigh : band.QuantileLow;
        return chains.Select(c => Enumerable.Range(1, spec.Generations)
            .Select(g => (int?)g).FirstOrDefault(g => truth.Sign * (c.Value(g!.Value, metric) - bound) > 0)).ToList();
    }
}
