using System.Globalization;
using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Growth;

/// <summary>
/// Wall time of one generation at g ≈ 10, 100 and 1000 of a single chain (one thread, every step of the real
/// chain: compose, fit, sample, metric), per family and policy: a flat row means the cost does not grow with g.
/// Each figure is the median over the generations g−5 … g+5 of the median of several chains run back to back, in
/// process CPU time (user + system, every thread, the collector's too), which other processes on shared cores
/// inflate far less than wall time.
/// </summary>
public static partial class GenerationCost
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private const int ProcessCpuClock = 2;

    internal static double CpuSeconds()
    {
        ClockGetTime(ProcessCpuClock, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    private sealed record Case(string Name, string Data, string Model, string Metric);

    private static readonly Case[] Cases =
    [
        new("gaussian d=10 M=100", "{ source: gaussian, dim: 10, train: 100, test: 200 }", "{ family: gaussian, estimator: mle }", "trace_ratio"),
        new("kde d=2 M=100", "{ source: gaussian, dim: 2, train: 100, test: 200 }", "{ family: kde, bandwidth: 0.5 }", "test_nll"),
    ];

    private static readonly string[] Policies = ["replace", "accumulate-subsample", "accumulate"];

    private static readonly int[] At = [10, 100, 1000];

    public static void Run(int chains, string? only, string? policyOnly = null)
    {
        Console.WriteLine($"{"case",-22} {"policy",-22} " + string.Join(" ", At.Select(g => $"{"g=" + g,12}")) + "   (CPU ms per generation)");
        foreach (var c in Cases.Where(c => only is null || c.Name.StartsWith(only, StringComparison.Ordinal)))
        {
            foreach (var policy in Policies.Where(p => policyOnly is null || p == policyOnly))
            {
                var perGeneration = Chains(c, policy, chains);
                Console.WriteLine($"{c.Name,-22} {policy,-22} " + string.Join(" ", At.Select(g =>
                    string.Create(CultureInfo.InvariantCulture, $"{Median(perGeneration[(g - 5)..(g + 6)]) * 1e3,12:F4}"))));
            }
        }
    }

    /// <summary>Seconds per generation, the median over chains at each g.</summary>
    private static double[] Chains(Case c, string policy, int chains)
    {
        var last = At[^1] + 5;
        var yaml = $"""
            name: growth
            seed: 3
            generations: {last}
            replicates: 1
            data: {c.Data}
            model: {c.Model}
            policy: {policy}
            metrics: [{c.Metric}]
            output: {"{ sample_values: 0 }"}
            """;
        var spec = SpecLoader.Load(SpecParser.ParseDocument(yaml, "growth"), ".");
        var times = new double[chains][];
        for (var r = 0; r < chains; r++)
        {
            var seconds = new double[last + 1];
            var previous = CpuSeconds();
            new Chain(spec, spec.Arms[0], 0, new Compute(GemmKind.Managed, 1)).Run(null, (result, _) =>
            {
                var now = CpuSeconds();
                seconds[result.Completed - 1] = now - previous;
                previous = now;
            }, CancellationToken.None);
            times[r] = seconds;
        }
        return Enumerable.Range(0, last + 1).Select(g => Median(times.Select(t => t[g]).ToArray())).ToArray();
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
