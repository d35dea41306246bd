using System.Diagnostics;

namespace CollapseLab.Benchmarks.Language;

/// <summary>
/// `-- ngram-cpu [rounds]`: the n-gram benchmarks timed by wall clock and by this process's CPU time, seven rounds
/// by default, reported as minimum and median. On a shared machine the CPU time shows the code's own cost; the wall
/// time is what the peer comparison uses.
/// </summary>
public static class PhaseTimer
{
    public static void Run(int rounds)
    {
        var b = new NGramBenchmarks();
        b.Setup();
        var phases = new (string Name, Func<int> Work)[]
        {
            ("tokenize, 1 thread", () => WithThreads(b, 1, () => b.Tokenize().TokenCount)),
            ("count + fit, 1 thread", () => WithThreads(b, 1, b.CountFit)),
            ("tokenize + count + fit, 1 thread", () => WithThreads(b, 1, b.TokenizeCountFit)),
            ("tokenize, 2 threads", () => WithThreads(b, 2, () => b.Tokenize().TokenCount)),
            ("count + fit, 2 threads", () => WithThreads(b, 2, b.CountFit)),
            ("tokenize + count + fit, 2 threads", () => WithThreads(b, 2, b.TokenizeCountFit)),
            ($"generate {NGramBenchmarks.Verses:N0} verses, 1 thread", () => b.Generate(1)),
            ($"generate {NGramBenchmarks.Verses:N0} verses, 2 threads", () => b.Generate(2)),
            ($"sample {NGramBenchmarks.SampleTokens:N0} tokens", b.SampleOneMillion),
        };
        var wall = phases.Select(_ => new List<double>()).ToArray();
        var cpu = phases.Select(_ => new List<double>()).ToArray();
        var collections = new int[phases.Length];
        var paused = new double[phases.Length];
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < phases.Length; i++)
            {
                var process = Process.GetCurrentProcess();
                var cpu0 = process.TotalProcessorTime;
                var gen2 = GC.CollectionCount(2);
                var pause = GC.GetTotalPauseDuration();
                var sw = Stopwatch.StartNew();
                phases[i].Work();
                wall[i].Add(sw.Elapsed.TotalMilliseconds);
                collections[i] += GC.CollectionCount(2) - gen2;
                paused[i] += (GC.GetTotalPauseDuration() - pause).TotalMilliseconds;
                process.Refresh();
                cpu[i].Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
        }
        for (var i = 0; i < phases.Length; i++)
        {
            Console.WriteLine($"{phases[i].Name,-36} wall min {wall[i].Min(),6:F1} ms, median {Median(wall[i]),6:F1} ms; cpu min {cpu[i].Min(),6:F1} ms, median {Median(cpu[i]),6:F1} ms; {collections[i]} full GCs, {paused[i] / rounds:F1} ms GC pause per round");
        }
        var generated = b.Generate(1);
        for (var i = phases.Length - 3; i < phases.Length - 1; i++)
        {
            Console.WriteLine($"{phases[i].Name}: {generated / (Median(wall[i]) / 1000) / 1e6:F2}M tokens/s (median), {generated:N0} tokens with the ends of verse");
        }
        var sample = wall[^1].Min() / 1000;
        Console.WriteLine($"sampling: {NGramBenchmarks.SampleTokens / sample / 1e6:F2}M tokens/s (best round), {NGramBenchmarks.SampleTokens / (Median(wall[^1]) / 1000) / 1e6:F2}M tokens/s (median)");
    }

    private static int WithThreads(NGramBenchmarks b, int threads, Func<int> work)
    {
        b.Threads = threads;
        return work();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
