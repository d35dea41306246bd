using System.Text.Json;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>Writes and submits a sharded run's Slurm scripts; slurm/jobs.json keeps what was submitted.</summary>
internal static class SlurmSubmitter
{
    public sealed record Jobs(int Shards, int Parallel, int Threads, string? Partition, string? Time, List<string> ArrayJobs, List<string> MergeJobs);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string JobsPath(string folder) => Path.Combine(folder, "slurm", "jobs.json");

    public static Jobs? Load(string folder) =>
        File.Exists(JobsPath(folder)) ? JsonSerializer.Deserialize<Jobs>(File.ReadAllText(JobsPath(folder)), Json) : null;

    /// <summary>Writes both scripts, then (unless <paramref name="dryRun"/>) submits the array for <paramref name="shards"/> and the merge after it.</summary>
    public static (string? Array, string? Merge) Submit(SlurmScripts scripts, IReadOnlyList<int> shards, bool dryRun, TextWriter output)
    {
        Directory.CreateDirectory(scripts.Directory);
        AtomicFile.WriteText(scripts.ArrayPath, scripts.Array());
        AtomicFile.WriteText(scripts.MergePath, scripts.Merge());
        var tasks = SlurmScripts.Tasks(shards, scripts.Parallel);
        output.WriteLine(ProgramBuild.Describe());
        var previous = Load(scripts.Folder);
        List<string> arrays = [.. previous?.ArrayJobs ?? []], merges = [.. previous?.MergeJobs ?? []];
        void Record() => AtomicFile.WriteText(JobsPath(scripts.Folder),
            JsonSerializer.Serialize(new Jobs(scripts.Shards, scripts.Parallel, scripts.Threads, scripts.Partition, scripts.Time, arrays, merges), Json));
        if (dryRun)
        {
            Record();
            output.WriteLine($"wrote {scripts.ArrayPath} and {scripts.MergePath}; submit with:");
            output.WriteLine($"  id=$(sbatch --parsable --array={tasks} {scripts.ArrayPath}) && sbatch --dependency=afterany:$id {scripts.MergePath}");
            output.WriteLine($"or: collapse submit --resume {scripts.Folder}");
            return (null, null);
        }
        var array = Sbatch($"--parsable --array={tasks} {scripts.ArrayPath}");
        arrays.Add(array);
        Record();
        var merge = Sbatch($"--parsable --dependency=afterany:{array} {scripts.MergePath}");
        merges.Add(merge);
        Record();
        output.WriteLine($"submitted array job {array} (shards {tasks}) and merge job {merge}; watch with: collapse status {scripts.Folder}");
        return (array, merge);
    }

    private static string Sbatch(string arguments)
    {
        var (code, stdout, stderr) = Run("sbatch", arguments);
        if (code != 0)
        {
            throw new CommandLineException($"sbatch {arguments} failed (exit {code}): {stderr.Trim()}");
        }
        return stdout.Trim().Split(';')[0];
    }

    /// <summary>Runs a Slurm client program; a missing one is bad input naming the Debian package.</summary>
    public static (int Code, string Output, string Error) Run(string program, string arguments) =>
        ClientProgram.Run(program, arguments,
            $"'{program}' is not installed here: Slurm's client commands come with Debian's slurm-client package (apt-get install slurm-client; slurm-wlm for a whole node), or use --dry-run to only write the scripts.");
}
