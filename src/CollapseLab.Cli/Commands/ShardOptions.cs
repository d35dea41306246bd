using System.CommandLine;
using System.Globalization;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// Which shard a `collapse run` process is: --shard I/N, or --shards N with the index from Kubernetes
/// (JOB_COMPLETION_INDEX) or Slurm (SLURM_ARRAY_TASK_ID), or both from a Slurm array (SLURM_ARRAY_TASK_COUNT).
/// </summary>
internal sealed class ShardOptions
{
    public Option<string?> Shard { get; } = new("--shard") { Description = "Run only shard I of N (I from 0), e.g. --shard 3/8; needs --out. Merge the shards with 'collapse merge DIR'." };

    public Option<int?> Shards { get; } = new("--shards") { Description = "Shard count N, the index I coming from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID; needs --out." };

    public Option<string?> Out { get; } = new("--out") { Description = "The sharded run's folder (shared by every shard; each writes under DIR/shards/I/)." };

    public IEnumerable<Option> All => [Shard, Shards, Out];

    /// <summary>(index, count, folder), or null for an ordinary run.</summary>
    public (int Index, int Count, string Folder)? Read(ParseResult parsed, Func<string, string?> environment)
    {
        var shard = parsed.GetValue(Shard);
        var shards = parsed.GetValue(Shards);
        var folder = parsed.GetValue(Out);
        var slurmCount = environment("SLURM_ARRAY_TASK_COUNT");
        if (shard is null && shards is null && !(folder is not null && slurmCount is not null))
        {
            return folder is null ? null : throw new CommandLineException("--out names a sharded run's folder: add --shard I/N (or --shards N inside a Kubernetes Indexed Job or Slurm array).");
        }
        if (shard is not null && shards is not null)
        {
            throw new CommandLineException("give either --shard I/N or --shards N (with the index from the environment), not both.");
        }
        if (folder is null)
        {
            throw new CommandLineException("a shard needs the run's folder: add --out DIR (the same for every shard; merge them with 'collapse merge DIR').");
        }
        var (index, count) = shard is not null ? Parse(shard)
            : shards is { } n ? (EnvironmentIndex(environment), n)
            : (Number("SLURM_ARRAY_TASK_ID", environment("SLURM_ARRAY_TASK_ID")), Number("SLURM_ARRAY_TASK_COUNT", slurmCount));
        if (count < 1)
        {
            throw new CommandLineException($"the shard count must be at least 1, got {count}.");
        }
        if (index < 0 || index >= count)
        {
            throw new CommandLineException($"shard {index} of {count} does not exist: shards are numbered 0 to {count - 1}.");
        }
        return (index, count, folder);
    }

    private static (int, int) Parse(string value)
    {
        var parts = value.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new CommandLineException($"--shard {value}: write the shard as I/N, e.g. --shard 0/8 (I from 0 to N − 1).");
        }
        return (i, n);
    }

    private static int EnvironmentIndex(Func<string, string?> environment)
    {
        foreach (var name in new[] { "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID" })
        {
            if (environment(name) is { } value)
            {
                return Number(name, value);
            }
        }
        throw new CommandLineException("--shards N takes the shard index from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array), and neither is set. Outside those, use --shard I/N.");
    }

    private static int Number(string name, string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new CommandLineException($"{name}={value} is not a shard number (a whole number from 0).");
}
