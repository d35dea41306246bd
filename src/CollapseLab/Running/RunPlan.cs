using System.Diagnostics;
using CollapseLab.Specs;
using CollapseLab.Tensors;

namespace CollapseLab.Running;

/// <summary>
/// What a run will cost before it is spent: each arm's first chain runs a few generations, and its time per unit
/// of <see cref="ShardPlan.Cost"/> (items fitted and sampled) scales to the full chain and to every replicate.
/// The first arm runs once untimed, so the process's warm-up (JIT, data loading) is not charged to it.
/// </summary>
public sealed record RunPlan(IReadOnlyList<ArmPlan> Arms, int CalibrationGenerations, double CalibrationSeconds, long PeakBytes)
{
    /// <summary>Shards are worth their start-up above about this much work each (see docs/cluster.md).</summary>
    public static readonly double TargetShardSeconds = 600;

    public double CpuSeconds => Arms.Sum(a => a.CpuSeconds);

    public int Chains => Arms.Sum(a => a.Chains);

    /// <summary>Enough shards for about <see cref="TargetShardSeconds"/> of work each, at most one per chain.</summary>
    public int SuggestedShards => (int)Math.Clamp(Math.Ceiling(CpuSeconds / TargetShardSeconds), 1, Math.Max(1, Chains));

    /// <summary>Runs <paramref name="generations"/> generations (at most the spec's) of replicate 0 of every arm.</summary>
    public static RunPlan Calibrate(ExperimentSpec spec, Compute compute, int generations = 2)
    {
        var k = Math.Clamp(generations, 0, spec.Generations);
        var shortSpec = spec with { Generations = k };
        var arms = new List<ArmPlan>();
        var total = Stopwatch.StartNew();
        new ExperimentRunner(shortSpec, null, compute) { Slots = [0] }.Run(CancellationToken.None);
        foreach (var arm in spec.Arms)
        {
            var clock = Stopwatch.StartNew();
            var runner = new ExperimentRunner(shortSpec, null, compute) { Slots = [arm.Index] };
            runner.Run(CancellationToken.None);
            var measured = clock.Elapsed.TotalSeconds;
            var perChain = measured / ShardPlan.Cost(arm, k) * ShardPlan.Cost(arm, spec.Generations);
            arms.Add(new ArmPlan(arm.Name, spec.Replicates, perChain, perChain * spec.Replicates));
        }
        using var self = Process.GetCurrentProcess();
        return new RunPlan(arms, k, total.Elapsed.TotalSeconds, self.PeakWorkingSet64);
    }
}

/// <summary>One arm's share: its chains and their estimated CPU time (one thread each).</summary>
public sealed record ArmPlan(string Name, int Chains, double ChainSeconds, double CpuSeconds);
