using CollapseLab.Extending;
using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Tests;

/// <summary>Specs from YAML text, and in-memory runs of them.</summary>
internal static class TestSpecs
{
    public static ExperimentSpec Load(string yaml, params string[] overrides) => Load(Catalog.BuiltIn, yaml, overrides);

    public static ExperimentSpec Load(Catalog catalog, string yaml, params string[] overrides) =>
        SpecLoader.Load(Overrides.Apply(SpecParser.ParseDocument(yaml, "test.yaml"), overrides), Directory.GetCurrentDirectory(), catalog);

    public static ChainResult[] Run(ExperimentSpec spec, int threads = 2) =>
        new ExperimentRunner(spec, null, threads).Run(CancellationToken.None) ?? throw new InvalidOperationException("run did not finish");

    /// <summary>Metric values of every replicate of an arm at one generation.</summary>
    public static double[] Column(ExperimentSpec spec, ChainResult[] results, string arm, string metric, int generation)
    {
        var a = spec.Arms.Single(x => x.Name == arm).Index;
        var m = spec.Metrics.Select(x => x.Name).ToList().IndexOf(metric);
        return results.Where(r => r.Arm == a).OrderBy(r => r.Replicate).Select(r => r.Value(generation, m)).ToArray();
    }

    public static (double Mean, double StandardError) MeanAndError(double[] values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, Math.Sqrt(variance / values.Length));
    }

    /// <summary>A spec whose two arms are replace and accumulate ("acc"), over YAML flow maps for data and model.</summary>
    public static string ReplaceAndAccumulate(string name, int seed, int generations, int replicates, string data, string model) => $$"""
        name: {{name}}
        seed: {{seed}}
        generations: {{generations}}
        replicates: {{replicates}}
        data: {{data}}
        model: {{model}}
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: acc, policy: { kind: accumulate } }
        """;

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "collapselab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
