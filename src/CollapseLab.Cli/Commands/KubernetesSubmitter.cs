using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>Writes a sharded run's Kubernetes manifests into DIR/kubernetes/ and, with --apply, applies the Indexed Job with kubectl.</summary>
internal static class KubernetesSubmitter
{
    public static string Directory(string folder) => Path.Combine(folder, "kubernetes");

    public static void Submit(string folder, KubernetesManifests manifests, bool apply, TextWriter output)
    {
        var dir = Directory(folder);
        System.IO.Directory.CreateDirectory(dir);
        var shards = Path.Combine(dir, "shards.yaml");
        var merge = Path.Combine(dir, "merge.yaml");
        AtomicFile.WriteText(shards, manifests.Shard());
        AtomicFile.WriteText(merge, manifests.Merge());
        var wait = $"kubectl wait --for=condition=complete --timeout=-1s job/{manifests.JobName} && kubectl apply -f {merge}";
        output.WriteLine($"wrote {shards} (Indexed Job {manifests.JobName}: {manifests.Shards} shards, {manifests.Parallel} at once) and {merge}.");
        output.WriteLine($"the pods run in {manifests.PodFolder} on claim {manifests.Claim}: {folder} must be that folder of the volume.");
        output.WriteLine($"the pods run the collapse of image {manifests.Image}; the repository's Dockerfile builds one from a ReadyToRun publish (scripts/publish.sh), which starts each shard faster than a JIT build.");
        if (!apply)
        {
            output.WriteLine($"start with: kubectl apply -f {shards}");
            output.WriteLine($"then merge: {wait}");
            return;
        }
        var (code, stdout, stderr) = Kubectl($"apply -f {shards}");
        if (code != 0)
        {
            throw new CommandLineException($"kubectl apply -f {shards} failed (exit {code}): {stderr.Trim()}");
        }
        output.Write(stdout);
        output.WriteLine($"applied; when it completes, merge with: {wait}");
    }

    private static (int Code, string Output, string Error) Kubectl(string arguments) =>
        ClientProgram.Run("kubectl", arguments,
            "--apply needs kubectl, and it is not installed here (Debian 13 packages it as kubernetes-client). Without --apply, submit only writes the manifests for you to apply.");
}
