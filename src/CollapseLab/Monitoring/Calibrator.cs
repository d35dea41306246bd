using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Tensors;

namespace CollapseLab.Monitoring;

/// <summary>
/// Calibrates every monitor's thresholds before any monitored chain runs: each null arm named by a
/// <c>calibrate_on</c> runs its own calibration chains, replicates <see cref="ReplicateOffset"/> + c, whose seeds no
/// evaluation replicate shares, so the false-alarm rate the run reports on the null arm's replicates 0 … R−1 is
/// measured on chains the thresholds never saw. The chains compute only the monitored metrics, each on its own
/// stream, so their values are those a full chain of that replicate would give. Only the spec decides the
/// result: every shard of a sharded run computes the same thresholds.
/// </summary>
public static class Calibrator
{
    /// <summary>Replicate numbers of calibration chains start here, above any replicate count a spec allows.</summary>
    public const int ReplicateOffset = 1 << 30;

    public static bool Needed(ExperimentSpec spec) => spec.Arms.Any(a => a.Monitor is not null);

    /// <summary>Generations the calibration chains run in all, for progress.</summary>
    public static long Steps(ExperimentSpec spec) =>
        spec.Arms.Where(a => a.Monitor is not null).GroupBy(a => a.Monitor!.CalibrateOn)
            .Sum(g => (long)g.Max(a => a.Monitor!.CalibrationReplicates) * (spec.Generations + 1));

    /// <summary>The thresholds, or null when cancelled before the calibration chains finished.</summary>
    /// <param name="generationDone">Called after every generation of every calibration chain (progress).</param>
    public static Calibration? Run(ExperimentSpec spec, Compute compute, CancellationToken cancel, Action? generationDone = null)
    {
        var thresholds = new List<Threshold>();
        foreach (var group in spec.Arms.Where(a => a.Monitor is not null).GroupBy(a => a.Monitor!.CalibrateOn))
        {
            var nullArm = spec.Arms.First(a => a.Name == group.Key);
            var monitors = group.Select(a => a.Monitor!).ToList();
            var names = monitors.SelectMany(m => m.Signals.Select(s => s.Metric)).Distinct().ToList();
            var metrics = names.Select(n => spec.Metrics.First(m => m.Name == n)).ToList();
            var replicates = monitors.Max(m => m.CalibrationReplicates);
            var chains = RunChains(spec with { Metrics = metrics }, nullArm, replicates, compute, generationDone, cancel);
            if (chains is null)
            {
                return null;
            }
            foreach (var monitor in monitors)
            {
                foreach (var signal in monitor.Signals)
                {
                    foreach (var rule in monitor.Rules)
                    {
                        var key = Threshold.Key(nullArm.Name, signal, rule, monitor.Far, monitor.CalibrationReplicates);
                        if (thresholds.All(t => t.Key() != key))
                        {
                            thresholds.Add(Place(nullArm.Name, signal, rule, monitor.Far, chains.Take(monitor.CalibrationReplicates).ToList(),
                                names.IndexOf(signal.Metric), spec.Generations));
                        }
                    }
                }
            }
        }
        return new Calibration(thresholds);
    }

    /// <summary>
    /// The threshold a new null chain's largest statistic exceeds with probability at most α: with n calibration
    /// chains and k = ⌊α·(n+1)⌋ − 1, the (n − k)-th smallest maximum. The new chain is exchangeable with the n, so it
    /// lands above that order statistic with probability (k+1)/(n+1) ≤ α (less when values tie): the conformal
    /// choice, unbiased where the plain (1−α) quantile would alarm a little too often.
    /// </summary>
    private static Threshold Place(string nullArm, Signal signal, MonitorRule rule, double far, List<ChainResult> chains, int metric, int generations)
    {
        var scale = ChangeSpread(chains, metric, signal.Sign, generations);
        var maxima = new double[chains.Count];
        var series = new double[generations + 1];
        var statistic = new double[generations];
        for (var c = 0; c < chains.Count; c++)
        {
            for (var g = 0; g <= generations; g++)
            {
                series[g] = chains[c].Value(g, metric);
            }
            MonitorStatistic.Compute(rule, signal.Sign, scale, series, statistic);
            // A NaN statistic never alarms, so it cannot raise the threshold either.
            maxima[c] = statistic.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NegativeInfinity).Max();
        }
        Array.Sort(maxima);
        var value = maxima[chains.Count - Above(far, chains.Count) - 1];
        var achieved = maxima.Count(m => m > value) / (double)chains.Count;
        return new Threshold(nullArm, signal.Metric, signal.Trouble, rule.Label, far, chains.Count, value, scale, achieved);
    }

    /// <summary>How many calibration chains lie above the threshold: k = ⌊α·(n+1)⌋ − 1 (at least 0 for any valid spec).</summary>
    public static int Above(double far, int replicates) => (int)Math.Floor(far * (replicates + 1)) - 1;

    /// <summary>Standard deviation of s·(x_t − x_{t−1}) over all chains and generations; 1 when it is zero or undefined.</summary>
    private static double ChangeSpread(List<ChainResult> chains, int metric, int sign, int generations)
    {
        double n = 0, mean = 0, m2 = 0;
        foreach (var chain in chains)
        {
            for (var g = 1; g <= generations; g++)
            {
                var d = sign * (chain.Value(g, metric) - chain.Value(g - 1, metric));
                if (!double.IsFinite(d))
                {
                    continue;
                }
                n++;
                var delta = d - mean;
                mean += delta / n;
                m2 += delta * (d - mean);
            }
        }
        var sd = n > 1 ? Math.Sqrt(m2 / (n - 1)) : 0;
        return sd > 0 && double.IsFinite(sd) ? sd : 1;
    }

    private static List<ChainResult>? RunChains(ExperimentSpec spec, ArmSpec arm, int replicates, Compute compute, Action? generationDone, CancellationToken cancel)
    {
        var results = new ChainResult?[replicates];
        var workers = Math.Min(compute.Threads, replicates);
        var chainCompute = compute.WithThreads(Math.Max(1, compute.Threads / workers));
        var next = -1;
        Exception? failure = null;
        void Work()
        {
            try
            {
                int c;
                while (!cancel.IsCancellationRequested && failure is null && (c = Interlocked.Increment(ref next)) < replicates)
                {
                    results[c] = new Chain(spec, arm, ReplicateOffset + c, chainCompute).Run(null, (_, _) => generationDone?.Invoke(), cancel).Result;
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(Work, 16 << 20)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null)
        {
            throw new InvalidOperationException($"a calibration chain of arm '{arm.Name}' failed: {failure.Message}", failure);
        }
        return results.All(r => r is not null && r.Completed == spec.Generations + 1) ? results.Select(r => r!).ToList() : null;
    }
}
