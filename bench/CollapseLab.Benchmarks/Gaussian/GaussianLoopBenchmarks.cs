using BenchmarkDotNet.Attributes;
using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Benchmarks.Gaussian;

/// <summary>
/// The Gaussian refit-and-resample loop through the real engine (spec → runner → chains), the cases of
/// ../shared/peers/gaussian_recursion.py: MLE, `replace`, metric `variance` only (the peer computes μ and σ).
/// Each invocation runs whole chains; OperationsPerInvoke is the number of samples drawn, so the reported time is
/// per sample: samples/s = 1e9 / (ns per op).
/// </summary>
[MemoryDiagnoser]
public class GaussianLoopBenchmarks
{
    /// <param name="Lockstep">False runs every chain on its own (the runner's reference path), for comparison.</param>
    public record Case(string Name, int Dim, int Replicates, int Samples, int Generations, bool Lockstep = true)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Case> Cases =>
    [
        new("R1000_M100", 1, 1000, 100, 100),
        new("R1000_M100_alone", 1, 1000, 100, 100, Lockstep: false),
        new("R1_M100", 1, 1, 100, 100_000),
        new("R1_M1000000", 1, 1, 1_000_000, 20),
        new("R1_d16_M10000", 16, 1, 10_000, 100),
    ];

    [ParamsSource(nameof(Cases))]
    public Case Loop { get; set; } = Cases.First();

    private ExperimentSpec _spec = null!;

    [GlobalSetup]
    public void Setup()
    {
        var metric = Loop.Dim == 1 ? "variance" : "trace_ratio";
        var yaml = $$"""
            name: bench
            seed: 1
            generations: {{Loop.Generations - 1}}
            replicates: {{Loop.Replicates}}
            data: { source: gaussian, dim: {{Loop.Dim}}, train: {{Loop.Samples}}, test: 1 }
            model: { family: gaussian, estimator: mle }
            metrics: [{{metric}}]
            output: { sample_values: 0 }
            """;
        _spec = SpecLoader.Load(SpecParser.ParseDocument(yaml, "bench"), ".");
    }

    [Benchmark]
    public int Run()
    {
        var results = new ExperimentRunner(_spec, null, Environment.ProcessorCount) { Lockstep = Loop.Lockstep }.Run(CancellationToken.None)!;
        return results.Length;
    }
}
