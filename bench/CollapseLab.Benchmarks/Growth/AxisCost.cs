using System.Globalization;
using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Growth;

/// <summary>
/// Process CPU time of a whole in-memory run (ExperimentRunner, one thread, no run folder) as one of generations,
/// replicates, sample size n or dimension d grows with the others held at a small base, per family, and the
/// least-squares slope of log time on log size: the exponent the run's cost grows with along that axis.
/// Each point is the median of several runs after one warm-up run (so JIT is not timed); the slope of the last two
/// points is printed too, since fixed costs (truth, test set, runner) flatten the fit at the small end.
/// </summary>
public static class AxisCost
{
    private sealed record Size(int Generations, int Replicates, int N, int D);

    /// <summary>A family at one size: the spec text. For the n-gram, n is sequences of 32 tokens and d the vocabulary.</summary>
    private sealed record Family(string Name, string Policy, Size Base, int[] Ds, Func<Size, string> Spec);

    private static string Common(Size s, string policy) => $"""
        name: growth-axes
        seed: 5
        generations: {s.Generations}
        replicates: {s.Replicates}
        policy: {policy}
        output: {"{ sample_values: 0 }"}

        """;

    private static readonly Family[] Families =
    [
        new("gaussian", "replace", new(100, 2, 1000, 8), [2, 8, 32],
            s => $"data: {{ source: gaussian, dim: {s.D}, train: {s.N}, test: 200 }}\nmodel: {{ family: gaussian, estimator: mle }}\nmetrics: [trace_ratio]\n"),
        new("gmm", "replace", new(100, 2, 300, 2), [2, 8, 32],
            s => $"data: {{ source: blobs, centers: 2, dim: {s.D}, train: {s.N}, test: 200 }}\nmodel: {{ family: gmm, components: 2, covariance: full }}\nmetrics: [test_nll]\n"),
        new("kde", "replace", new(100, 2, 100, 2), [2, 8, 32],
            s => $"data: {{ source: gaussian, dim: {s.D}, train: {s.N}, test: 200 }}\nmodel: {{ family: kde, bandwidth: 0.5 }}\nmetrics: [test_nll]\n"),
        new("ngram", "replace", new(100, 2, 20, 100), [100, 700, 5000],
            s => $"data: {{ source: zipf, vocab: {s.D}, order: 2, successors: 20, block: 32, train: {s.N}, test: 50 }}\nmodel: {{ family: ngram, order: 2, smoothing: kneser-ney }}\nmetrics: [test_perplexity]\n"),
    ];

    public static void Run(int runs, string? only, string? axisOnly)
    {
        Console.WriteLine($"{"family",-10} {"axis",-12} {"sizes",-22} {"CPU s (median of " + runs + ")",-34} {"fit",5} {"last 2",6}");
        foreach (var f in Families.Where(f => only is null || f.Name == only))
        {
            var b = f.Base;
            var axes = new (string Axis, int[] Values, Func<int, Size> At)[]
            {
                ("generations", [100, 1000, 10000], g => b with { Generations = g, Replicates = 1 }),
                ("replicates", [1, 4, 16], r => b with { Replicates = r }),
                ("n", f.Name == "ngram" ? [20, 200, 2000] : [100, 1000, 10000], n => b with { N = n }),
                ("d", f.Ds, d => b with { D = d }),
            };
            foreach (var (axis, values, at) in axes.Where(a => axisOnly is null || a.Axis == axisOnly))
            {
                var seconds = values.Select(v => Time(f, at(v), runs)).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{f.Name,-10} {axis,-12} {string.Join("/", values),-22} {string.Join(" ", seconds.Select(s => s.ToString("F4", CultureInfo.InvariantCulture))),-34} {Slope(values, seconds),5:F2} {Slope(values[^2..], seconds[^2..]),6:F2}"));
            }
        }
    }

    private static double Time(Family f, Size size, int runs)
    {
        var spec = SpecLoader.Load(SpecParser.ParseDocument(Common(size, f.Policy) + f.Spec(size), "growth-axes"), ".");
        var times = new double[runs];
        for (var r = -1; r < runs; r++)
        {
            var start = GenerationCost.CpuSeconds();
            new ExperimentRunner(spec, null, new Compute(GemmKind.Managed, 1)).Run(CancellationToken.None);
            if (r >= 0)
                times[r] = GenerationCost.CpuSeconds() - start;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>Least-squares slope of log(seconds) on log(size).</summary>
    private static double Slope(int[] sizes, double[] seconds)
    {
        var x = sizes.Select(v => Math.Log(v)).ToArray();
        var y = seconds.Select(s => Math.Log(s)).ToArray();
        double mx = x.Average(), my = y.Average();
        return x.Zip(y, (a, c) => (a - mx) * (c - my)).Sum() / x.Sum(a => (a - mx) * (a - mx));
    }
}
