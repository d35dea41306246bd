using System.Diagnostics;
using System.Globalization;

namespace CollapseLab.Benchmarks.Gaussian;

/// <summary>
/// Samples per second of each Gaussian loop case, measured like the numpy peer (repeat for a time budget, take
/// the median of the repeats), so the two can be put side by side in one table.
/// </summary>
public static class LoopThroughput
{
    public static void Print(double secondsPerCase, string? only = null)
    {
        foreach (var c in GaussianLoopBenchmarks.Cases.Where(c => only is null || c.Name == only))
        {
            var bench = new GaussianLoopBenchmarks { Loop = c };
            bench.Setup();
            var allocated = GC.GetTotalAllocatedBytes(true);
            var collections = GC.CollectionCount(0);
            bench.Run();
            collections = GC.CollectionCount(0) - collections;
            // Bytes per chain-generation: independent of load, so it shows per-generation overhead in any sitting.
            var bytesPerGeneration = (GC.GetTotalAllocatedBytes(true) - allocated) / ((double)c.Replicates * c.Generations);
            var rates = new List<double>();
            var perCpuSecond = new List<double>();
            var budget = Stopwatch.StartNew();
            var process = Process.GetCurrentProcess();
            while (budget.Elapsed.TotalSeconds < secondsPerCase || rates.Count < 3)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                bench.Run();
                var samples = (double)c.Replicates * c.Samples * c.Generations;
                rates.Add(samples / clock.Elapsed.TotalSeconds);
                process.Refresh();
                perCpuSecond.Add(samples / (process.TotalProcessorTime - cpu).TotalSeconds);
            }
            rates.Sort();
            perCpuSecond.Sort();
            // Samples per CPU-second shows the work per sample even when other processes share the cores.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name,-16} samples/s median {rates[rates.Count / 2] / 1e6,8:F1} M  [min {rates[0] / 1e6:F1}, max {rates[^1] / 1e6:F1}]  per CPU-second {perCpuSecond[perCpuSecond.Count / 2] / 1e6:F1} M  chain-generations/s {rates[rates.Count / 2] / c.Samples:N0}  allocated/generation {bytesPerGeneration:F0} B  gen0 GCs/run {collections}  repeats {rates.Count}"));
        }
    }
}
