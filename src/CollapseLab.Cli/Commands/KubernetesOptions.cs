using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Cli.Commands;

/// <summary>`submit --kubernetes`'s options: the image, the shared volume claim and where pods mount it, memory, --apply.</summary>
internal sealed partial class KubernetesOptions
{
    public Option<bool> Kubernetes { get; } = new("--kubernetes") { Description = "Write a Kubernetes Indexed Job (one pod per shard, JOB_COMPLETION_INDEX) and a merge Job into DIR/kubernetes/." };

    public Option<string?> Image { get; } = new("--image") { Description = "Container image with 'collapse' on its PATH (Kubernetes)." };

    public Option<string?> Volume { get; } = new("--volume") { Description = "PersistentVolumeClaim shared by every pod, holding the run folder (Kubernetes)." };

    public Option<string> Mount { get; } = new("--mount") { Description = "Where pods mount the claim; the run folder is MOUNT/basename(DIR) (Kubernetes).", DefaultValueFactory = _ => "/runs" };

    public Option<string?> Memory { get; } = new("--memory") { Description = "Memory request per pod, e.g. 2Gi (default: from the plan's measured peak, with headroom)." };

    public Option<bool> Apply { get; } = new("--apply") { Description = "Apply the Indexed Job with kubectl after writing it." };

    public IEnumerable<Option> All => [Kubernetes, Image, Volume, Mount, Memory, Apply];

    public KubernetesManifests Manifests(ParseResult parsed, ExperimentSpec spec, string folder, int shards, int parallel, int threads)
    {
        var image = parsed.GetValue(Image) ?? throw new CommandLineException("--kubernetes needs --image IMAGE: a container image with 'collapse' on its PATH.");
        var claim = parsed.GetValue(Volume) ?? throw new CommandLineException("--kubernetes needs --volume CLAIM: the PersistentVolumeClaim every pod mounts, holding the run folder.");
        if (!DnsLabel().IsMatch(claim))
        {
            throw new CommandLineException($"--volume {claim}: a claim name is lower-case letters, digits and '-' (a DNS-1123 name).");
        }
        var mount = parsed.GetValue(Mount)!;
        if (!mount.StartsWith('/'))
        {
            throw new CommandLineException($"--mount {mount}: give an absolute path inside the pods, e.g. /runs.");
        }
        var name = Path.GetFileName(folder.TrimEnd('/'));
        if (parsed.GetValue(Memory) is { } memory)
        {
            if (!Quantity().IsMatch(memory))
            {
                throw new CommandLineException($"--memory {memory}: write a Kubernetes quantity such as 512Mi or 2Gi.");
            }
            return new KubernetesManifests(name, shards, parallel, threads, memory, image, claim, mount);
        }
        var plan = RunPlan.Calibrate(spec, CommonOptions.Compute(1), 1);
        return new KubernetesManifests(name, shards, parallel, threads, Request(plan.PeakBytes), image, claim, mount)
        {
            ShardCpuSeconds = plan.CpuSeconds / shards,
        };
    }

    /// <summary>The measured peak with half again as headroom (accumulating arms grow), in whole 64 MiB steps, at least 256 MiB.</summary>
    private static string Request(long peakBytes)
    {
        var mib = Math.Max(256, (long)Math.Ceiling(peakBytes * 1.5 / (64 << 20)) * 64);
        return mib.ToString(CultureInfo.InvariantCulture) + "Mi";
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$")]
    private static partial Regex Quantity();
}
