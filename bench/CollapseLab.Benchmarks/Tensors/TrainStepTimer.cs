using System.Diagnostics;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Tensors;

/// <summary>
/// `-- trainstep [seconds]`: the <see cref="TrainStepBenchmarks"/> steps (VAE 784-400-20 at batch 128, character
/// transformer at batch 32 x 64) with 2 threads, OpenBLAS and managed GEMM in alternating rounds so they share the
/// machine's load. Reports the median step time of the rounds, like the peers' median window.
/// </summary>
public static class TrainStepTimer
{
    public static void Run(double seconds)
    {
        var kinds = OpenBlasGemm.IsAvailable ? new[] { GemmKind.OpenBlas, GemmKind.Managed } : [GemmKind.Managed];
        var benches = kinds.Select(kind =>
        {
            var b = new TrainStepBenchmarks { Kind = kind };
            b.Setup();
            return b;
        }).ToArray();
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {seconds} s per model");
        Report("VAE 784-400-20, batch 128", "images/s", 128, benches, b => b.VaeStep(), 10, seconds);
        Report("transformer 4x128, batch 32x64", "tokens/s", 2048, benches, b => b.TransformerStep(), 2, seconds);
    }

    private static void Report(string name, string unit, int items, TrainStepBenchmarks[] benches,
        Action<TrainStepBenchmarks> step, int stepsPerRound, double seconds)
    {
        var times = benches.Select(_ => new List<double>()).ToArray();
        var clock = Stopwatch.StartNew();
        for (var round = 0; clock.Elapsed.TotalSeconds < seconds || round < 4; round++)
        {
            for (var i = 0; i < benches.Length; i++)
            {
                var sw = Stopwatch.StartNew();
                for (var s = 0; s < stepsPerRound; s++)
                {
                    step(benches[i]);
                }

                // The first round of each is warm-up (JIT, buffers).
                if (round > 0)
                {
                    times[i].Add(sw.Elapsed.TotalMilliseconds / stepsPerRound);
                }
            }
        }

        for (var i = 0; i < benches.Length; i++)
        {
            times[i].Sort();
            var median = times[i][times[i].Count / 2];
            Console.WriteLine($"{name}, {benches[i].Kind}: median {median:F2} ms/step over {times[i].Count} rounds of {stepsPerRound} = {items * 1000 / median:N0} {unit}");
        }
    }
}
