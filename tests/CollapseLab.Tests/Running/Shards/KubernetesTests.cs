using CollapseLab.Cli;
using CollapseLab.Running;
using CollapseLab.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace CollapseLab.Tests.Running.Shards;

/// <summary>
/// `submit --kubernetes`: the Indexed Job and merge Job manifests (a golden file and their structure), and the
/// Kubernetes contract run by hand: each pod's command with JOB_COMPLETION_INDEX set merges to the unsharded bits.
/// kubectl cannot check them here: even `apply --dry-run=client` asks an API server for the schema.
/// </summary>
public class KubernetesTests
{
    private static readonly string Spec = TestSpecs.ReplaceAndAccumulate("kube", seed: 4, generations: 5, replicates: 3, "{ source: gaussian, dim: 2, train: 30, test: 200 }", "{ family: gaussian }");

    private static readonly string[] Files = ["metrics.csv", "summary.csv", "composition.csv", "samples.csv"];

    private static string WriteSpec(string dir)
    {
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, Spec);
        return path;
    }

    private static string Submit(string dir, string folder, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = ["submit", WriteSpec(dir), "--kubernetes", "--shards", "3", "--image", "registry.example/collapse:1", "--volume", "runs-claim", "--out", folder, .. extra];
        var code = CollapseCli.Run(args, output, error);
        Assert.True(code == 0, $"collapse {string.Join(' ', args)} exited {code}: {error}");
        return Path.Combine(folder, "kubernetes");
    }

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
        {
            node = step is int i ? ((YamlSequenceNode)node)[i] : ((YamlMappingNode)node)[(string)step];
        }
        return node;
    }

    private static string Scalar(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static string[] Command(YamlNode job) =>
        ((YamlSequenceNode)At(job, "spec", "template", "spec", "containers", 0, "command")).Select(n => ((YamlScalarNode)n).Value!).ToArray();

    [Fact]
    public void The_manifests_match_the_golden_files()
    {
        var dir = TestSpecs.TempDirectory();
        var written = Submit(dir, Path.Combine(dir, "kube-golden"), "--parallel", "2", "--threads", "2", "--memory", "1Gi");
        foreach (var file in new[] { "shards.yaml", "merge.yaml" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(KdeSpecs.FixtureDirectory("kubernetes"), file)), File.ReadAllText(Path.Combine(written, file)));
        }
    }

    [Fact]
    public void The_indexed_job_has_the_shard_contract_and_requests_from_the_plan()
    {
        var dir = TestSpecs.TempDirectory();
        var written = Submit(dir, Path.Combine(dir, "kube-run"), "--parallel", "2");
        var job = Load(Path.Combine(written, "shards.yaml"));
        Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
        Assert.Equal("Job", Scalar(job, "kind"));
        Assert.Equal("Indexed", Scalar(job, "spec", "completionMode"));
        Assert.Equal("3", Scalar(job, "spec", "completions"));
        Assert.Equal("2", Scalar(job, "spec", "parallelism"));
        Assert.Equal("2", Scalar(job, "spec", "backoffLimitPerIndex"));
        Assert.Equal("Never", Scalar(job, "spec", "template", "spec", "restartPolicy"));
        Assert.Equal("runs-claim", Scalar(job, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName"));
        Assert.Equal("/runs", Scalar(job, "spec", "template", "spec", "containers", 0, "volumeMounts", 0, "mountPath"));
        Assert.Equal(["collapse", "run", "/runs/kube-run/spec.yaml", "--shards", "3", "--out", "/runs/kube-run", "--threads", "1", "--quiet"], Command(job));
        // Without --memory the request comes from the plan's measured peak: whole 64 MiB steps, at least 256 MiB.
        var memory = Scalar(job, "spec", "template", "spec", "containers", 0, "resources", "requests", "memory");
        Assert.Matches("^[0-9]+Mi$", memory);
        var mib = int.Parse(memory[..^2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(mib >= 256 && mib % 64 == 0, memory);
        Assert.True(double.Parse(Scalar(job, "metadata", "annotations", "collapselab/estimated-cpu-seconds-per-shard"), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        var merge = Load(Path.Combine(written, "merge.yaml"));
        Assert.Equal(["collapse", "merge", "/runs/kube-run", "--quiet"], Command(merge));
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void Pods_run_by_hand_with_JOB_COMPLETION_INDEX_merge_to_the_unsharded_files()
    {
        var dir = TestSpecs.TempDirectory();
        var volume = Path.Combine(dir, "volume");
        var folder = Path.Combine(volume, "kube-hand");
        var written = Submit(dir, folder);
        // What each pod runs, with the claim mounted at the volume folder instead of /runs.
        string[] Pod(string file) => Command(Load(Path.Combine(written, file))).Skip(1).Select(a => a.Replace("/runs", volume, StringComparison.Ordinal)).ToArray();
        var pods = Enumerable.Range(0, 3)
            .Select(i => CollapseProcess.Start(Pod("shards.yaml"), new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = $"{i}" }))
            .ToList();
        foreach (var pod in pods)
        {
            var (code, _, error) = CollapseProcess.Finish(pod);
            Assert.True(code == 0, $"a shard pod exited {code}: {error}");
            pod.Dispose();
        }
        var merged = CollapseProcess.Run(Pod("merge.yaml"));
        Assert.True(merged.Code == 0, $"the merge pod exited {merged.Code}: {merged.Error}");
        var session = RunSession.Start(TestSpecs.Load(Spec), TestSpecs.TempDirectory(), 2);
        Assert.True(session.Execute(CancellationToken.None));
        foreach (var file in Files)
        {
            Assert.Equal(File.ReadAllText(session.Folder.File(file)), File.ReadAllText(Path.Combine(folder, file)));
        }
    }

    [Theory]
    [InlineData("--image IMAGE", "submit", "SPEC", "--kubernetes", "--shards", "2", "--volume", "c")]
    [InlineData("--volume CLAIM", "submit", "SPEC", "--kubernetes", "--shards", "2", "--image", "i")]
    [InlineData("DNS-1123", "submit", "SPEC", "--kubernetes", "--shards", "2", "--image", "i", "--volume", "Runs_Claim")]
    [InlineData("512Mi or 2Gi", "submit", "SPEC", "--kubernetes", "--shards", "2", "--image", "i", "--volume", "c", "--memory", "lots")]
    [InlineData("absolute path", "submit", "SPEC", "--kubernetes", "--shards", "2", "--image", "i", "--volume", "c", "--mount", "runs")]
    [InlineData("once", "submit", "SPEC", "--kubernetes", "--slurm", "--shards", "2", "--image", "i", "--volume", "c")]
    public void Bad_kubernetes_options_exit_2_and_write_nothing(string expected, params string[] args)
    {
        var dir = TestSpecs.TempDirectory();
        var spec = WriteSpec(dir);
        var folder = Path.Combine(dir, "out");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run([.. args.Select(a => a == "SPEC" ? spec : a), "--out", folder], output, error);
        Assert.Equal(2, code);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Apply_without_kubectl_exits_2_saying_where_it_comes_from()
    {
        var dir = TestSpecs.TempDirectory();
        var (code, _, error) = CollapseProcess.Run(["submit", WriteSpec(dir), "--kubernetes", "--shards", "2", "--image", "i", "--volume", "c", "--memory", "1Gi", "--apply", "--out", Path.Combine(dir, "run")],
            new Dictionary<string, string> { ["PATH"] = dir });
        Assert.Equal(2, code);
        Assert.Contains("kubernetes-client", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
