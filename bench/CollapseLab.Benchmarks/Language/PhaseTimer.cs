using System.Diagnostics;

namespace CollapseLab.Benchmarks.Language;

/// <summary>
/// `-- ngram-cpu`: the n-gram benchmarks timed by wall clock and by this process's CPU time, three rounds each. On a
/// shared machine the CPU time shows the code's own cost; the wall time is what the peer comparison uses.
/// </summary>
public static class PhaseTimer
{
    public static void Run()
    {
        var b = new NGramBenchmarks();
        b.Setup();
        for (var rep = 0; rep < 3; rep++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            b.TokenizeCountFit();
            Console.WriteLine($"tokenize+count+fit {sw.ElapsedMilliseconds} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds} ms cpu");
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            b.CountFit();
            Console.WriteLine($"count+fit {sw.ElapsedMilliseconds} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds} ms cpu");
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            b.SampleOneMillion();
            Console.WriteLine($"sample 1M tokens {sw.ElapsedMilliseconds} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds} ms cpu");
        }
    }
}
