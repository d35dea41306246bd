using System.Diagnostics;
using CollapseLab.Specs;
using CollapseLab.Tensors;

namespace CollapseLab.Running;

/// <summary>
/// What a run will cost before it is spent. Each arm's first chain runs a few generations, timed in process CPU
/// time (which a loaded machine does not stretch as it does the wall clock). A generation g ≥ 1 costs a + b·items(g),
/// items being what it fits and samples (<see cref="ShardPlan.Cost"/>'s unit): a is the fixed part (metrics against
/// the test set, sampling set-up), b grows with accumulating training sets. a and b are fitted to generations
/// 1 … k and summed over the whole chain; generation 0 (fitted on real data, with the chain's set-up) counts as timed.
/// Every arm runs once untimed first, so the process's warm-up (JIT of each policy's and metric's code) is charged to none.
/// </summary>
public sealed record RunPlan(IReadOnlyList<ArmPlan> Arms, int CalibrationGenerations, long PeakBytes)
{
    /// <summary>Shards are worth their start-up above about this much work each (see docs/cluster.md).</summary>
    public static readonly double TargetShardSeconds = 600;

    public double CpuSeconds => Arms.Sum(a => a.CpuSeconds);

    public int Chains => Arms.Sum(a => a.Chains);

    /// <summary>Enough shards for about <see cref="TargetShardSeconds"/> of work each, at most one per chain.</summary>
    public int SuggestedShards => (int)Math.Clamp(Math.Ceiling(CpuSeconds / TargetShardSeconds), 1, Math.Max(1, Chains));

    /// <summary>Runs <paramref name="generations"/> generations (at most the spec's) of replicate 0 of every arm.</summary>
    public static RunPlan Calibrate(ExperimentSpec spec, Compute compute, int generations = 3)
    {
        var k = Math.Clamp(generations, 0, spec.Generations);
        var shortSpec = spec with { Generations = k };
        using var self = Process.GetCurrentProcess();
        double Cpu()
        {
            self.Refresh();
            return self.TotalProcessorTime.TotalSeconds;
        }
        new ExperimentRunner(shortSpec, null, compute) { Slots = [.. spec.Arms.Select(a => a.Index)] }.Run(CancellationToken.None);
        var arms = new List<ArmPlan>();
        foreach (var arm in spec.Arms)
        {
            var marks = new List<double> { Cpu() };
            new ExperimentRunner(shortSpec, null, compute) { Slots = [arm.Index], AfterGeneration = _ => marks.Add(Cpu()) }.Run(CancellationToken.None);
            var times = marks.Zip(marks.Skip(1), (before, after) => after - before).ToArray();
            var perChain = ChainSeconds(arm, spec.Generations, times);
            arms.Add(new ArmPlan(arm.Name, spec.Replicates, perChain, perChain * spec.Replicates));
        }
        return new RunPlan(arms, k, self.PeakWorkingSet64);
    }

    private static double Items(ArmSpec arm, int g) => arm.Policy.TrainingSize(g, arm.Data.PoolSize, arm.SamplesPerGeneration) + arm.SamplesPerGeneration;

    /// <summary>Generation 0 as timed, plus a + b·items(g) for g = 1 … G, fitted (least squares, a, b ≥ 0) to the timed generations after 0.</summary>
    public static double ChainSeconds(ArmSpec arm, int generations, IReadOnlyList<double> times)
    {
        var x = Enumerable.Range(1, times.Count - 1).Select(g => Items(arm, g)).ToArray();
        var y = times.Skip(1).ToArray();
        if (y.Length == 0)
        {
            return times[0] * (generations + 1);
        }
        var (a, b) = (y.Average(), 0.0);
        var xm = x.Average();
        var sxx = x.Sum(v => (v - xm) * (v - xm));
        if (sxx > 0)
        {
            b = x.Zip(y, (u, v) => (u - xm) * (v - a)).Sum() / sxx;
            (a, b) = b < 0 ? (a, 0) : (a - b * xm, b);
            if (a < 0)
            {
                (a, b) = (0, x.Zip(y, (u, v) => u * v).Sum() / x.Sum(u => u * u));
            }
        }
        return times[0] + Enumerable.Range(1, generations).Sum(g => a + b * Items(arm, g));
    }
}

/// <summary>One arm's share: its chains and their estimated CPU time (one thread each).</summary>
public sealed record ArmPlan(string Name, int Chains, double ChainSeconds, double CpuSeconds);
