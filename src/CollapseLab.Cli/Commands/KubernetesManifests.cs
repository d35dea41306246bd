using System.Globalization;
using System.Text;
using System.Text.Json;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// A sharded run as Kubernetes Jobs: an Indexed Job whose pod I runs shard I (Kubernetes sets JOB_COMPLETION_INDEX)
/// and a merge Job to apply once it completes. The run folder lives on a shared volume claim, mounted at
/// <see cref="Mount"/> in every pod; the image must have `collapse` on its PATH.
/// </summary>
internal sealed record KubernetesManifests(string Name, int Shards, int Parallel, int Threads, string Memory, string Image, string Claim, string Mount)
{
    /// <summary>The plan's estimate of one shard's CPU time, written as an annotation; null when not calibrated.</summary>
    public double? ShardCpuSeconds { get; init; }

    /// <summary>The run folder as the pods see it.</summary>
    public string PodFolder => $"{Mount.TrimEnd('/')}/{Name}";

    public string JobName => Safe($"collapse-{Name}");

    public string Shard()
    {
        var s = Head(JobName);
        if (ShardCpuSeconds is { } seconds)
        {
            s.Append(CultureInfo.InvariantCulture, $"  annotations:\n    collapselab/estimated-cpu-seconds-per-shard: {Quote(seconds.ToString("F0", CultureInfo.InvariantCulture))}\n");
        }
        s.Append("spec:\n");
        s.Append("  completionMode: Indexed\n");
        s.Append(CultureInfo.InvariantCulture, $"  completions: {Shards}\n");
        s.Append(CultureInfo.InvariantCulture, $"  parallelism: {Parallel}\n");
        s.Append("  backoffLimitPerIndex: 2\n");
        s.Append(CultureInfo.InvariantCulture, $"  maxFailedIndexes: {Shards}\n");
        Pod(s, "Never", ["collapse", "run", $"{PodFolder}/spec.yaml", "--shards", $"{Shards}", "--out", PodFolder, "--threads", $"{Threads}", "--quiet"], Threads, Memory);
        return s.ToString();
    }

    public string Merge()
    {
        var s = Head($"{JobName}-merge");
        s.Append("spec:\n");
        s.Append("  backoffLimit: 1\n");
        Pod(s, "Never", ["collapse", "merge", PodFolder, "--quiet"], 1, Memory);
        return s.ToString();
    }

    private static StringBuilder Head(string name)
    {
        var s = new StringBuilder("apiVersion: batch/v1\nkind: Job\nmetadata:\n");
        s.Append(CultureInfo.InvariantCulture, $"  name: {Quote(name)}\n");
        s.Append("  labels:\n    app.kubernetes.io/name: collapselab\n");
        return s;
    }

    private void Pod(StringBuilder s, string restart, string[] command, int cpus, string memory)
    {
        s.Append("  template:\n    spec:\n");
        s.Append(CultureInfo.InvariantCulture, $"      restartPolicy: {restart}\n");
        s.Append("      containers:\n");
        s.Append("        - name: collapse\n");
        s.Append(CultureInfo.InvariantCulture, $"          image: {Quote(Image)}\n");
        s.Append(CultureInfo.InvariantCulture, $"          command: [{string.Join(", ", command.Select(Quote))}]\n");
        s.Append(CultureInfo.InvariantCulture, $"          env:\n            - {{ name: {Gemm.KindVariable}, value: {Quote(ShardGemm.Kind)} }}\n");
        s.Append("          resources:\n");
        s.Append(CultureInfo.InvariantCulture, $"            requests: {{ cpu: {Quote($"{cpus}")}, memory: {Quote(memory)} }}\n");
        s.Append(CultureInfo.InvariantCulture, $"            limits: {{ cpu: {Quote($"{cpus}")}, memory: {Quote(memory)} }}\n");
        s.Append("          volumeMounts:\n");
        s.Append(CultureInfo.InvariantCulture, $"            - {{ name: runs, mountPath: {Quote(Mount)} }}\n");
        s.Append("      volumes:\n");
        s.Append(CultureInfo.InvariantCulture, $"        - {{ name: runs, persistentVolumeClaim: {{ claimName: {Quote(Claim)} }} }}\n");
    }

    /// <summary>A JSON string is a YAML scalar that needs no further escaping.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);

    /// <summary>A DNS-1123 label: lower case letters, digits and '-', at most 63 characters.</summary>
    private static string Safe(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var label = new string(chars).Trim('-');
        return label.Length > 57 ? label[..57].TrimEnd('-') : label;
    }
}
