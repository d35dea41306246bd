using System.Diagnostics;
using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;

namespace CollapseLab.Benchmarks.Language;

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
            b.CountFit();
            Console.WriteLine($"countfit {sw.ElapsedMilliseconds} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds} ms cpu");
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            b.SampleOneMillion();
            Console.WriteLine($"sample {sw.ElapsedMilliseconds} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds} ms cpu");
        }
    }
}
