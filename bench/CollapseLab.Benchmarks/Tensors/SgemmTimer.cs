using System.Diagnostics;
using System.Globalization;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// `-- sgemm [seconds]`: square SGEMM with 2 threads for n = 256..2048 and the three operand layouts the models use
/// (NN forward, NT and TN backward). The implementations run in interleaved rounds so that they share the machine's
/// load; each cell reports the median time over the budget. GFLOP/s = 2n³ / median.
/// </summary>
public static class SgemmTimer
{
    private const int Threads = 2;

    public static void Run(double seconds)
    {
        var gemms = new List<IGemm> { new ManagedGemm(Threads) };
        if (OpenBlasGemm.TryCreate(Threads) is { } tiles)
        {
            gemms.Add(tiles);
            gemms.Add(OpenBlasGemm.TryCreate(Threads, OpenBlasThreading.Native)!);
        }

        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {Load()}, {seconds} s per size and layout, AVX-512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        Console.WriteLine("n     layout  " + string.Join("  ", gemms.Select(g => $"{g.Name,-34}")) + "  managed / best OpenBLAS");
        foreach (var n in new[] { 256, 512, 1024, 2048 })
        {
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false) })
            {
                var medians = Measure(gemms, n, ta, tb, seconds);
                var cells = medians.Select(us => $"{Fmt(us),10} µs {2.0 * n * n * n / us / 1e3,8:F1} GFLOP/s     ");
                var ratio = gemms.Count > 1 ? (medians.Skip(1).Min() / medians[0]).ToString("P0", CultureInfo.InvariantCulture) : "-";
                Console.WriteLine($"{n,-5} {(ta ? "T" : "N")}{(tb ? "T" : "N"),-6} {string.Join("  ", cells)}  {ratio}");
            }
        }
    }

    private static double[] Measure(List<IGemm> gemms, int n, bool ta, bool tb, double seconds)
    {
        var rng = new System.Random(n);
        var a = Enumerable.Range(0, n * n).Select(_ => (float)rng.NextDouble()).ToArray();
        var b = Enumerable.Range(0, n * n).Select(_ => (float)rng.NextDouble()).ToArray();
        var c = new float[n * n];
        var times = gemms.Select(_ => new List<double>()).ToArray();
        foreach (var g in gemms)
        {
            g.Sgemm(ta, tb, n, n, n, 1f, a, n, b, n, 0f, c, n);
        }

        // One round = one call of each implementation (several for small n, so timer resolution does not matter).
        var calls = Math.Max(1, (int)(512L * 512 * 512 / ((long)n * n * n)));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || times[0].Count < 3)
        {
            for (var i = 0; i < gemms.Count; i++)
            {
                var sw = Stopwatch.StartNew();
                for (var r = 0; r < calls; r++)
                {
                    gemms[i].Sgemm(ta, tb, n, n, n, 1f, a, n, b, n, 0f, c, n);
                }

                times[i].Add(sw.Elapsed.TotalMicroseconds / calls);
            }
        }

        return times.Select(Median).ToArray();
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[(xs.Count / 2) - 1] + xs[xs.Count / 2]) / 2;
    }

    private static string Fmt(double us) => us.ToString("N0", CultureInfo.InvariantCulture);

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
