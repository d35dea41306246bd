using System.CommandLine;
using CollapseLab.Running.Shards;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse submit`: a sharded run as a Slurm array plus a merge job (or resubmits the shards not done), or as Kubernetes Jobs.</summary>
internal static class SubmitCommand
{
    public static Command Build()
    {
        var spec = new Argument<string?>("spec") { Description = "Experiment spec (YAML); not with --resume.", Arity = ArgumentArity.ZeroOrOne };
        var set = CommonOptions.Set();
        var slurm = new Option<bool>("--slurm") { Description = "Submit to Slurm with sbatch." };
        var kubernetes = new KubernetesOptions();
        var shards = new Option<int?>("--shards") { Description = "Number of shards (array tasks)." };
        var parallel = new Option<int?>("--parallel") { Description = "At most this many shards at once (the array's %P; default: all)." };
        var threads = new Option<int>("--threads", "-j") { Description = "Threads per shard (also its --cpus-per-task).", DefaultValueFactory = _ => 1 };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (default: the cluster's default)." };
        var time = new Option<string?>("--time") { Description = "Slurm time limit per shard, e.g. 02:00:00." };
        var output = new Option<string?>("--out") { Description = "The run's folder on storage every node sees (default: runs/NAME-TIME)." };
        var resume = new Option<string?>("--resume") { Description = "Resubmit only the shards of this sharded run that are not done, and a new merge job." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write the scripts and print the sbatch commands without submitting." };
        var command = new Command("submit", "Run a spec as shards on a cluster: with --slurm writes DIR/slurm/array.sbatch (one shard per task) and merge.sbatch (after the array) and submits both with sbatch; with --kubernetes writes an Indexed Job and a merge Job into DIR/kubernetes/.")
        {
            spec, set, slurm, shards, parallel, threads, partition, time, output, resume, dryRun,
        };
        foreach (var option in kubernetes.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(parsed =>
        {
            var writer = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(resume) is { } folder)
            {
                return Resume(folder, parsed.GetValue(parallel), parsed.GetValue(dryRun), writer);
            }
            var onKubernetes = parsed.GetValue(kubernetes.Kubernetes);
            if (parsed.GetValue(slurm) == onKubernetes)
            {
                throw new CommandLineException("say where to submit, once: --slurm (writes and submits sbatch scripts) or --kubernetes (writes an Indexed Job manifest).");
            }
            var count = parsed.GetValue(shards) ?? throw new CommandLineException("--shards N is required: the number of array tasks to split the chains into.");
            var experiment = RunCommand.LoadSpec(parsed.GetValue(spec) ?? throw new CommandLineException("name the spec to submit: collapse submit SPEC --slurm --shards N."),
                parsed.GetValue(set) ?? []);
            if (count < 1 || count > experiment.ChainCount)
            {
                throw new CommandLineException($"--shards {count}: give 1 to {experiment.ChainCount} (the spec has {experiment.ChainCount} chains, and a shard runs whole chains).");
            }
            var perShard = parsed.GetValue(threads);
            if (perShard < 1)
            {
                throw new CommandLineException($"--threads must be at least 1, got {perShard}.");
            }
            var dir = Path.GetFullPath(parsed.GetValue(output) ?? Path.Combine("runs", $"{experiment.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            if (onKubernetes)
            {
                // Every option is checked (and the plan timed) before the folder is claimed, so bad input leaves nothing behind.
                var manifests = kubernetes.Manifests(parsed, experiment, dir, count, Parallel(parsed.GetValue(parallel), count), perShard);
                ShardRun.Claim(experiment, new ShardedRunFolder(dir));
                KubernetesSubmitter.Submit(dir, manifests, parsed.GetValue(kubernetes.Apply), writer);
                return CollapseCli.Ok;
            }
            ShardRun.Claim(experiment, new ShardedRunFolder(dir));
            var scripts = new SlurmScripts(dir, experiment.Name, count, Parallel(parsed.GetValue(parallel), count), perShard, parsed.GetValue(partition), parsed.GetValue(time));
            SlurmSubmitter.Submit(scripts, Enumerable.Range(0, count).ToArray(), parsed.GetValue(dryRun), writer);
            return CollapseCli.Ok;
        });
        return command;
    }

    private static int Parallel(int? parallel, int shards) => parallel switch
    {
        null => shards,
        < 1 => throw new CommandLineException($"--parallel must be at least 1, got {parallel}."),
        { } p => p,
    };

    private static int Resume(string folder, int? parallel, bool dryRun, TextWriter writer)
    {
        var dir = Path.GetFullPath(folder);
        var jobs = SlurmSubmitter.Load(dir)
            ?? throw new RunFolderException($"{dir}: no slurm/jobs.json, so this run was not submitted with 'collapse submit --slurm'. Rerun its shards by hand with 'collapse run {dir}/spec.yaml --shard I/N --out {dir}'.");
        var status = ShardStatus.Read(dir, jobs.Shards);
        var left = status.Where(s => s.State != "done").Select(s => s.Shard).ToArray();
        if (left.Length == 0)
        {
            writer.WriteLine($"every shard of {dir} is done; merge with: collapse merge {dir}");
            return CollapseCli.Ok;
        }
        var name = Path.GetFileName(dir);
        var scripts = new SlurmScripts(dir, name, jobs.Shards, Parallel(parallel ?? jobs.Parallel, left.Length), jobs.Threads, jobs.Partition, jobs.Time);
        SlurmSubmitter.Submit(scripts, left, dryRun, writer);
        return CollapseCli.Ok;
    }
}
