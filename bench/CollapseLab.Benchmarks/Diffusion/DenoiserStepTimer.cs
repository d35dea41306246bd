using System.Diagnostics;
using CollapseLab.Families.Diffusion;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Benchmarks.Diffusion;

/// <summary>
/// `-- denoiser [seconds]`: training steps of the diffusion denoisers as bench/peers/diffusion_torch.py times them
/// (MLP D=2 H=128 at batch 1024, U-Net 28×28 C=32 at batch 64; AdamW, T = 1000 linear) and one MLP sampling
/// forward at batch 1024, with 2 threads, OpenBLAS and managed GEMM in alternating rounds. Median step times, wall
/// and CPU (all the process's threads: a loaded machine inflates it less than wall time). A fingerprint of the
/// U-Net's parameters after three steps (1 and 2 threads) lets two builds be compared bit for bit.
/// </summary>
public static class DenoiserStepTimer
{
    public static void Run(double seconds)
    {
        var kinds = OpenBlasGemm.IsAvailable ? new[] { GemmKind.OpenBlas, GemmKind.Managed } : [GemmKind.Managed];
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {seconds} s per model");
        var schedule = NoiseSchedule.Create("linear", 1000);
        var mlps = kinds.Select(k => new Case(k, new MlpDenoiser(2, 128, 3, 32, 1), 1024, schedule)).ToArray();
        Report("MLP denoiser train step, batch 1024", "rows/s", 1024, mlps, c => c.TrainStep(), 20, seconds);
        Report("MLP denoiser sampling step, batch 1024", "sample-steps/s", 1024, mlps, c => c.Forward(), 50, seconds / 2);
        var unets = kinds.Select(k => new Case(k, new UNetDenoiser(28, 32, 32, 1), 64, schedule)).ToArray();
        Report("U-Net train step, batch 64", "images/s", 64, unets, c => c.TrainStep(), 2, seconds);
        foreach (var kind in kinds)
        {
            Console.WriteLine($"U-Net parameters after 3 train steps at batch 16, {kind}, 1 / 2 threads: {UNetFingerprint(kind, 1, schedule)} / {UNetFingerprint(kind, 2, schedule)}");
        }
    }

    private static string UNetFingerprint(GemmKind kind, int threads, NoiseSchedule schedule)
    {
        using var compute = new Compute(kind, threads).Enter();
        var net = new UNetDenoiser(28, 32, 32, 1);
        var c = new Case(kind, net, 16, schedule);
        for (var s = 0; s < 3; s++)
        {
            c.TrainStep();
        }

        return Fingerprints.Of(net.Parameters.Data.Select(v => (double)v).ToArray());
    }

    private static void Report(string name, string unit, int items, Case[] cases, Action<Case> step, int perRound, double seconds)
    {
        var times = cases.Select(_ => new List<double>()).ToArray();
        var cpu = cases.Select(_ => new List<double>()).ToArray();
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        for (var round = 0; clock.Elapsed.TotalSeconds < seconds || round < 4; round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                using var compute = new Compute(cases[i].Kind, 2).Enter();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                for (var s = 0; s < perRound; s++)
                {
                    step(cases[i]);
                }

                // The first round of each is warm-up (JIT, buffers).
                if (round > 0)
                {
                    times[i].Add(sw.Elapsed.TotalMilliseconds / perRound);
                    process.Refresh();
                    cpu[i].Add((process.TotalProcessorTime - cpu0).TotalMilliseconds / perRound);
                }
            }
        }

        for (var i = 0; i < cases.Length; i++)
        {
            times[i].Sort();
            cpu[i].Sort();
            var median = times[i][times[i].Count / 2];
            Console.WriteLine($"{name}, {cases[i].Kind}: median {median:F3} ms/step over {times[i].Count} rounds of {perRound} = {items * 1000 / median:N0} {unit}; CPU (all threads) {cpu[i][cpu[i].Count / 2]:F3} ms/step");
        }
    }

    private sealed class Case
    {
        private readonly Denoiser _net;
        private readonly NoiseSchedule _schedule;
        private readonly IOptimizer _optimizer;
        private readonly float[] _x0;
        private readonly int[] _t;
        private readonly float[] _times;
        private readonly int _n;
        private ulong _seed;

        public Case(GemmKind kind, Denoiser net, int n, NoiseSchedule schedule)
        {
            (Kind, _net, _n, _schedule) = (kind, net, n, schedule);
            _optimizer = Adam.W(net.Parameters, 1e-3f, weightDecay: 0f);
            var x = Tensor.Zeros(n, net.Dim);
            Init.Uniform(x, -1f, 1f, 2);
            _x0 = x.ToArray();
            _t = Enumerable.Range(0, n).Select(i => i * 7919 % schedule.Steps).ToArray();
            _times = Enumerable.Repeat(10f, n).ToArray();
        }

        public GemmKind Kind { get; }

        public void TrainStep()
        {
            var eps = Tensor.Zeros(_n, _net.Dim);
            Init.Normal(eps, 1f, ++_seed);
            _net.Parameters.ZeroGrad();
            using var tape = new Tape(recycleBuffers: true);
            tape.Backward(DiffusionModel.NoiseLoss(_net, _schedule, _x0, _n, _t, eps));
            _optimizer.Step();
        }

        public void Forward()
        {
            // As a reverse step runs it (ReverseProcess): no tape, activations recycled.
            using var scope = Tape.Inference();
            _net.PredictNoise(Tensor.FromArray(_x0, _n, _net.Dim), _times);
        }
    }
}
