using CollapseLab.Specs;

namespace CollapseLab.Running;

/// <summary>
/// Which shard runs which chain. Chains (arm × replicate) are dealt out largest estimated cost first, each to the
/// shard with the least work so far (longest-processing-time first), so shards finish close together. The plan
/// depends only on the spec and the shard count, so every shard process computes the same one.
/// </summary>
public static class ShardPlan
{
    /// <summary>The shard of every chain slot (replicate-major, as <see cref="ExperimentRunner"/> numbers them).</summary>
    public static int[] Assign(ExperimentSpec spec, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var arms = spec.Arms.Count;
        var cost = spec.Arms.Select(a => Cost(a, spec.Generations)).ToArray();
        var slots = Enumerable.Range(0, spec.ChainCount).OrderByDescending(s => cost[s % arms]).ThenBy(s => s).ToArray();
        var load = new double[shards];
        var shardOf = new int[spec.ChainCount];
        foreach (var slot in slots)
        {
            var least = 0;
            for (var i = 1; i < shards; i++)
            {
                if (load[i] < load[least])
                {
                    least = i;
                }
            }
            shardOf[slot] = least;
            load[least] += cost[slot % arms];
        }
        return shardOf;
    }

    /// <summary>The chain slots shard <paramref name="shard"/> of <paramref name="shards"/> runs, in slot order.</summary>
    public static int[] Slots(ExperimentSpec spec, int shard, int shards)
    {
        var plan = Assign(spec, shards);
        return Enumerable.Range(0, plan.Length).Where(s => plan[s] == shard).ToArray();
    }

    /// <summary>
    /// A chain's estimated work: the items fitted and sampled over all generations. Growing training sets (accumulate)
    /// make later generations dearer; the family's cost per item is the same for every arm of a family and cancels in
    /// the balance of most specs.
    /// </summary>
    public static double Cost(ArmSpec arm, int generations)
    {
        var total = 0.0;
        for (var g = 0; g <= generations; g++)
        {
            total += arm.Policy.TrainingSize(g, arm.Data.PoolSize, arm.SamplesPerGeneration) + arm.SamplesPerGeneration;
        }
        return total;
    }
}
