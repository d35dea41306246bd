using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using CollapseLab.Data;
using CollapseLab.Families.Kde;
using CollapseLab.Numerics;

namespace CollapseLab.Benchmarks.Kde;

/// <summary>
/// `-- kde-bound [seconds]`: the ceiling a Gaussian KDE scorer works against and how close it comes. Every kernel
/// evaluation needs one exp, so the vectorised exp's throughput (TensorPrimitives.Exp, and the inlined VectorExp the
/// scorer uses, on an L1-resident array of typical log-kernel arguments) bounds the kernel evaluations per second; the scorer's end-to-end rate is then
/// measured on the peer's shape (10,000 queries × 100,000 centres) and on kazdan-kde's largest test_nll (1,000
/// test points × 101,000 centres), each a full pass over the centres, with a sha256 of the log-densities so two builds can be compared bit for bit.
/// </summary>
public static class KdeBoundTimer
{
    private const int ExpLength = 4096;

    public static void Run(double seconds)
    {
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, load {File.ReadAllText("/proc/loadavg").Trim()}, {seconds} s per case, {Environment.ProcessorCount} cores");
        foreach (var threads in new[] { 1, 2 })
        {
            var library = ExpRate(threads, seconds, TensorPrimitives.Exp);
            var inlined = ExpRate(threads, seconds, InlinedExp);
            Console.WriteLine($"exp bound, {threads} thread(s): TensorPrimitives.Exp {library / 1e9:F2} G exp/s ({library / threads / 1e9:F2} G per core), VectorExp inlined {inlined / 1e9:F2} G/s ({inlined / threads / 1e9:F2} G per core)");
        }
        foreach (var (queries, centres) in new[] { (10_000, 100_000), (1_000, 101_000) })
        {
            var (model, x) = Case(queries, centres);
            var result = new double[queries];
            foreach (var threads in new[] { 1, 2 })
            {
                FullPass(model, x, result, threads);
                var times = new List<double>();
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds || times.Count < 3)
                {
                    var sw = Stopwatch.StartNew();
                    FullPass(model, x, result, threads);
                    times.Add(sw.Elapsed.TotalSeconds);
                }
                var median = times.Order().ElementAt(times.Count / 2);
                var rate = (double)queries * centres / median;
                Console.WriteLine($"KDE score {queries} × {centres}, {threads} thread(s): median {median * 1e3:F1} ms = {rate / 1e9:F2} G kernel evaluations/s ({rate / threads / 1e9:F2} G per core), {times.Count} runs, bits {Fingerprints.Of(result)}");
            }
        }
    }

    /// <summary>
    /// One score over every centre: on a fresh thread, which holds no kept state, since scoring the same queries
    /// again on one thread resumes at the last whole centre tile (KdeScorePrefix) and would time only the rest.
    /// </summary>
    private static void FullPass(KdeModel model, RowBatch x, double[] result, int threads)
    {
        var thread = new Thread(() => model.LogDensities(x, result, threads));
        thread.Start();
        thread.Join();
    }

    private static void InlinedExp(ReadOnlySpan<double> x, Span<double> y)
    {
        for (var i = 0; i < x.Length; i += Vector512<double>.Count)
        {
            VectorExp.Exp(Vector512.Create(x.Slice(i, Vector512<double>.Count))).CopyTo(y[i..]);
        }
    }

    private delegate void ExpFunction(ReadOnlySpan<double> x, Span<double> y);

    private static double ExpRate(int threads, double seconds, ExpFunction exp)
    {
        var inputs = Enumerable.Range(0, threads).Select(t =>
        {
            var r = new System.Random(17 + t);
            return Enumerable.Range(0, ExpLength).Select(_ => -30 * r.NextDouble()).ToArray();
        }).ToArray();
        var outputs = inputs.Select(_ => new double[ExpLength]).ToArray();
        const int reps = 20_000;
        var best = 0.0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (var k = 0; k < reps; k++)
                {
                    exp(inputs[t], outputs[t]);
                }
            });
            best = Math.Max(best, (double)threads * reps * ExpLength / sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static (KdeModel Model, RowBatch Queries) Case(int queries, int centres)
    {
        var r = new System.Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
        var train = new RowBatch(Enumerable.Range(0, centres * 2).Select(_ => Normal()).ToArray(), 2);
        var x = new RowBatch(Enumerable.Range(0, queries * 2).Select(_ => 1.5 * Normal()).ToArray(), 2);
        return (new KdeModel(train, Bandwidth.Scott.For(centres, 2), KdeKernel.Gaussian), x);
    }
}
