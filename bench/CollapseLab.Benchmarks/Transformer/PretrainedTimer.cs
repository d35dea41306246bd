using System.Diagnostics;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Models.Pretrained;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Benchmarks.Transformer;

/// <summary>
/// `pretrained [seconds]`: a GPT-2-shaped 124M-parameter checkpoint (V 50257, C 768, 12 layers, 12 heads, random
/// N(0, 0.02²) weights) as bench/peers/pretrained_torch.py times it: fine-tuning steps of 8 × 64-token blocks
/// (AdamW, clipping at 1) and KV-cached greedy decoding of 64 new tokens after a 64-token prompt (prefilled in one pass), batch 1, with
/// 2 threads on the GEMM the environment selects. Median times; the peak resident memory (VmHWM) at the end.
/// </summary>
public static class PretrainedTimer
{
    public static void Run(double seconds)
    {
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {seconds} s per phase");
        var a = new DecoderArchitecture("gpt2", 50257, 12, 12, 12, 768, 3072, 128, 1024, NormKind.LayerNorm, 1e-5f, MlpKind.GeluTanh, 0, null,
            FusedQkv: true, AttentionBias: true, MlpBias: true, TiedHead: true);
        var lm = new PretrainedLm(a);
        foreach (var s in lm.Parameters.Slices)
        {
            if (s.Tensor.Rank == 2)
            {
                Init.Normal(s.Tensor, 0.02f, (ulong)s.Offset + 1);
            }
            else
            {
                Init.Constant(s.Tensor, s.Name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f);
            }
        }

        Console.WriteLine($"{lm.Parameters.Count:N0} parameters");
        using var compute = new Compute(CollapseLab.Tensors.Kernels.Gemm.KindFromEnvironment(), 2).Enter();
        const int b = 8, t = 64;
        var idx = Enumerable.Range(0, b * t).Select(i => i * 7919 % a.Vocab).ToArray();
        var targets = idx.Select(i => (i + 1) % a.Vocab).ToArray();
        var optimizer = Adam.W(lm.Parameters, 1e-4f, 0.9f, 0.999f, 1e-8f, 0f);
        var train = Median(seconds, () =>
        {
            lm.Parameters.ZeroGrad();
            using var tape = new Tape(recycleBuffers: true);
            var loss = lm.Loss(idx, targets, b, t);
            tape.Backward(loss);
            TrainingUtilities.ClipGradNorm(lm.Parameters, 1f);
            optimizer.Step();
        });
        Console.WriteLine($"fine-tuning step, {b}x{t} tokens: median {train:F3} s = {b * t / train:N0} tokens/s");
        var prompt = idx[..64];
        var sample = Median(seconds, () =>
        {
            var decoder = lm.Decoder(1);
            var logits = decoder.Feed(prompt, prompt.Length);

            for (var i = 0; i < 64; i++)
            {
                var next = ArgMax(logits.Data);
                logits = decoder.Step([next]);
            }
        });
        Console.WriteLine($"KV-cached greedy decoding, 64-token prompt + 64 new: median {sample:F3} s = {64 / sample:N1} new tokens/s");
        var peak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal));
        Console.WriteLine($"peak resident memory: {peak.Split(':')[1].Trim()}");
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Median seconds of <paramref name="work"/> over at least three timed runs after one warm-up.</summary>
    private static double Median(double seconds, Action work)
    {
        work();
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        while (times.Count < 3 || clock.Elapsed.TotalSeconds < seconds)
        {
            var sw = Stopwatch.StartNew();
            work();
            times.Add(sw.Elapsed.TotalSeconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
