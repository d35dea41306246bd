using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>Each shard's state from its done-marker (shard.json), and from squeue for the ones Slurm still holds.</summary>
internal sealed record ShardStatus(int Shard, string State, int Completed, int Chains, double Seconds)
{
    public static IReadOnlyList<ShardStatus> Read(string folder, int shards)
    {
        var run = new ShardedRunFolder(folder);
        var queued = Queued(SlurmSubmitter.Load(folder));
        return Enumerable.Range(0, shards).Select(i =>
        {
            var manifest = ShardManifest.Load(run.Shard(i));
            var state = manifest?.Done == true ? "done"
                : queued.TryGetValue(i, out var slurm) ? slurm.ToLowerInvariant()
                : manifest?.Status is "running" ? "failed (no longer queued)"
                : manifest?.Status ?? "missing";
            return new ShardStatus(i, state, manifest?.Completed ?? 0, manifest?.Chains ?? 0, manifest?.Seconds ?? 0);
        }).ToArray();
    }

    /// <summary>Array task index → Slurm state (PENDING, RUNNING, …) for the run's array jobs; empty without squeue.</summary>
    private static Dictionary<int, string> Queued(SlurmSubmitter.Jobs? jobs)
    {
        var queued = new Dictionary<int, string>();
        if (jobs is null || jobs.ArrayJobs.Count == 0)
        {
            return queued;
        }
        (int Code, string Output, string Error) result;
        try
        {
            result = SlurmSubmitter.Run("squeue", $"-h -r -o %i|%T -j {string.Join(",", jobs.ArrayJobs)}");
        }
        catch (CommandLineException)
        {
            return queued;
        }
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Trim().Split('|');
            var task = parts[0].Split('_');
            if (parts.Length == 2 && task.Length == 2 && int.TryParse(task[1], out var index))
            {
                queued[index] = parts[1];
            }
        }
        return queued;
    }
}
