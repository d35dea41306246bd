using System.Globalization;
using System.Text;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// The two batch scripts of a sharded run on Slurm: an array with one shard per task (at most P at once) and a merge
/// job submitted with a dependency on the array. Both run this very program on the run folder's resolved spec.
/// </summary>
internal sealed record SlurmScripts(string Folder, string Name, int Shards, int Parallel, int Threads, string? Partition, string? Time)
{
    public string Directory => Path.Combine(Folder, "slurm");

    public string ArrayPath => Path.Combine(Directory, "array.sbatch");

    public string MergePath => Path.Combine(Directory, "merge.sbatch");

    /// <summary>The array script; <paramref name="tasks"/> (e.g. "0-7" or "2,5") is given to sbatch on its command line.</summary>
    public string Array()
    {
        var s = Header($"collapse-{Name}", Path.Combine(Directory, "shard-%a.out"));
        s.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={Threads}\n");
        s.Append("# One shard per array task; SLURM_ARRAY_TASK_ID is the shard index. Submit with --array=TASKS%P.\n");
        s.Append(CultureInfo.InvariantCulture, $"export {Gemm.KindVariable}={ShardGemm.Kind}\n");
        s.Append(CultureInfo.InvariantCulture, $"exec {ProgramBuild.CommandLine()} run {Quote(Path.Combine(Folder, "spec.yaml"))} --shards {Shards} --out {Quote(Folder)} --threads {Threads} --quiet\n");
        return s.ToString();
    }

    public string Merge()
    {
        var s = Header($"collapse-{Name}-merge", Path.Combine(Directory, "merge.out"));
        s.Append("#SBATCH --cpus-per-task=1\n");
        s.Append("# Runs after the array (afterany): a shard that failed makes the merge name it; resubmit with 'collapse submit --resume'.\n");
        s.Append(CultureInfo.InvariantCulture, $"exec {ProgramBuild.CommandLine()} merge {Quote(Folder)} --quiet\n");
        return s.ToString();
    }

    public static string Tasks(IReadOnlyList<int> shards, int parallel)
    {
        var list = shards.Count > 0 && shards[^1] - shards[0] == shards.Count - 1
            ? $"{shards[0]}-{shards[^1]}"
            : string.Join(",", shards);
        return $"{list}%{parallel}";
    }

    private StringBuilder Header(string job, string output)
    {
        var s = new StringBuilder("#!/bin/bash\n");
        s.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name={job}\n");
        s.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={output}\n");
        if (Partition is not null)
        {
            s.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={Partition}\n");
        }
        if (Time is not null)
        {
            s.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={Time}\n");
        }
        return s;
    }

    private static string Quote(string value) => ProgramBuild.Quote(value);
}
