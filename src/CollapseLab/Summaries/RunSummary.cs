using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Summaries;

/// <summary>
/// An immutable summary of a finished run: statistics per arm × generation × metric, the mean training-set
/// composition per arm × generation, and when chains collapsed. Exporters render it; nothing recomputes it.
/// </summary>
public sealed class RunSummary
{
    public RunSummary(ExperimentSpec spec, IReadOnlyList<ChainResult> chains)
    {
        Spec = spec;
        var g1 = spec.Generations + 1;
        var k = spec.Metrics.Count;
        Stats = new Statistic[spec.Arms.Count, g1, k];
        Composition = new IReadOnlyList<(int Origin, double Share)>[spec.Arms.Count, g1];
        Collapsed = new (int Chains, double MedianGeneration)[spec.Arms.Count];
        foreach (var arm in spec.Arms)
        {
            var mine = chains.Where(c => c.Arm == arm.Index).OrderBy(c => c.Replicate).ToArray();
            // An arm whose monitor may switch policy or stop follows no single policy's theory.
            var intervenes = arm.Monitor is { } watch && watch.Action.Kind != Monitoring.MonitorAction.Mark;
            var theories = spec.Metrics.Select(m => intervenes ? null : spec.Catalog.Predict(m.Name, arm, spec.Generations)).ToArray();
            var column = new double[mine.Length];
            for (var g = 0; g < g1; g++)
            {
                for (var m = 0; m < k; m++)
                {
                    for (var r = 0; r < mine.Length; r++)
                    {
                        column[r] = mine[r].Value(g, m);
                    }
                    Stats[arm.Index, g, m] = Statistic.Of(column, theories[m]?[g]);
                }
                var shares = new SortedDictionary<int, double>();
                var recorded = 0;
                foreach (var chain in mine)
                {
                    if (chain.Compositions[g] is not { } c)
                    {
                        continue;
                    }
                    recorded++;
                    var total = (double)c.Total;
                    shares[-1] = shares.GetValueOrDefault(-1) + c.Real / total;
                    foreach (var o in c.Synthetic)
                    {
                        shares[o.Generation] = shares.GetValueOrDefault(o.Generation) + o.Count / total;
                    }
                }
                Composition[arm.Index, g] = shares.Where(kv => kv.Value > 0).Select(kv => (kv.Key, kv.Value / Math.Max(recorded, 1))).ToArray();
            }
            var onsets = mine.Where(c => c.Degenerate is not null).Select(c => (double)c.Degenerate!.Value.Generation).Order().ToArray();
            Collapsed[arm.Index] = (onsets.Length, onsets.Length == 0 ? double.NaN : onsets[onsets.Length / 2]);
        }
        SignalQuality = Monitoring.SignalQuality.Of(spec, chains);
        Alarms = chains.OrderBy(c => c.Arm).ThenBy(c => c.Replicate)
            .SelectMany(c => c.Alarms.Select(a => (c.Arm, c.Replicate, a))).ToList();
    }

    /// <summary>Every monitor alarm: arm, replicate and the alarm, in arm then replicate order.</summary>
    public IReadOnlyList<(int Arm, int Replicate, Monitoring.Alarm Alarm)> Alarms { get; }

    /// <summary>How well each monitored signal warned, per arm (empty without monitors).</summary>
    public IReadOnlyList<Monitoring.SignalQuality> SignalQuality { get; }

    public ExperimentSpec Spec { get; }

    /// <summary>[arm, generation, metric].</summary>
    public Statistic[,,] Stats { get; }

    /// <summary>[arm, generation] → mean share of the training set by origin (−1 real, k generation k), sorted,
    /// over the replicates that keep their composition (spec output.composition).</summary>
    public IReadOnlyList<(int Origin, double Share)>[,] Composition { get; }

    /// <summary>Per arm: how many chains degenerated, and the median generation at which they did.</summary>
    public (int Chains, double MedianGeneration)[] Collapsed { get; }

    public int MetricIndex(string name)
    {
        for (var i = 0; i < Spec.Metrics.Count; i++)
        {
            if (Spec.Metrics[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}
