using System.Diagnostics;
using CollapseLab.Families.Mixture;

namespace CollapseLab.Benchmarks.Mixture;

/// <summary>
/// `-- em [seconds]`: one EM iteration of <see cref="MixtureBenchmarks"/> (N = 100,000, K = 3, full covariance) for
/// d = 2 and 10 on 1 and 2 threads, the cases of ../shared/peers/gmm_em.py. The four cases run in interleaved rounds
/// so they share the load; each reports the median, and a sha256 of the iteration's parameters so that two builds
/// can be compared bit for bit.
/// </summary>
public static class EmTimer
{
    private static readonly int[] Dims = [2, 10];
    private static readonly int[] ThreadCounts = [1, 2];

    public static void Run(double seconds)
    {
        var cases = (from d in Dims from t in ThreadCounts select new MixtureBenchmarks { Dim = d, Threads = t }).ToArray();
        foreach (var c in cases)
        {
            c.Setup();
            c.Iterate();
        }
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, load {File.ReadAllText("/proc/loadavg").Trim()}, {seconds} s per case");
        var times = cases.Select(_ => new List<double>()).ToArray();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds * cases.Length || times[0].Count < 5)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                var sw = Stopwatch.StartNew();
                cases[i].Iterate();
                times[i].Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        for (var i = 0; i < cases.Length; i++)
        {
            var sorted = times[i].Order().ToArray();
            Console.WriteLine($"EM iteration d={cases[i].Dim,-2} threads={cases[i].Threads}: median {sorted[sorted.Length / 2],7:F3} ms (min {sorted[0]:F3}, {sorted.Length} runs)  bits {Fingerprint(cases[i].Iterate())}");
        }
    }

    private static string Fingerprint(MixtureFit fit)
    {
        var p = fit.Parameters;
        return Fingerprints.Of(p.Weights.Concat(p.Means).Concat(p.Covariances.SelectMany(c => c)).Append(fit.LowerBound).ToArray());
    }
}
