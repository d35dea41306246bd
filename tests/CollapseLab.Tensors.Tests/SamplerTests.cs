using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Models;
using CollapseLab.Tensors.Tests.Support;
using Xunit.Abstractions;

namespace CollapseLab.Tensors.Tests;

public class SamplerTests(ITestOutputHelper output)
{
    private static readonly TransformerConfig Config = new(Vocab: 9, Layers: 2, Heads: 2, Channels: 16, Context: 6);

    [Fact]
    public void Cached_steps_match_full_forward_passes_including_after_the_context_fills()
    {
        var lm = new TransformerLm(Config, seed: 3);
        // larger weights than the default init, so the positions really differ
        foreach (var s in lm.Parameters.Slices.Where(s => s.Tensor.Rank == 2))
        {
            Training.Init.Normal(s.Tensor, 0.3f, (ulong)s.Offset);
        }

        const int B = 2, N = 9;
        var tokens = Enumerable.Range(0, B * N).Select(i => (i * 5 + 1) % 9).ToArray();
        var sampler = new TransformerSampler(lm, B);
        var worst = 0.0;
        for (var i = 0; i < N; i++)
        {
            var step = sampler.Step([tokens[i], tokens[N + i]]);
            // full forward on the last ≤ T tokens ending at i
            var start = Math.Max(0, i + 1 - Config.Context);
            var len = i + 1 - start;
            var window = new int[B * len];
            for (var r = 0; r < B; r++)
            {
                tokens.AsSpan((r * N) + start, len).CopyTo(window.AsSpan(r * len));
            }

            using var scope = Tape.NoGrad();
            var full = lm.Logits(window, B, len);
            for (var r = 0; r < B; r++)
            {
                var expected = full.Data.Slice(((r * len) + len - 1) * Config.Vocab, Config.Vocab);
                worst = Math.Max(worst, Compare.MaxRelative(step.Data.Slice(r * Config.Vocab, Config.Vocab), expected));
            }
        }

        output.WriteLine($"max relative difference {worst:E2}");
        Assert.True(worst < 1e-5, $"cached logits differ by {worst}");
    }

    [Fact]
    public void Generation_is_seeded_and_respects_top_k()
    {
        var lm = new TransformerLm(Config, seed: 3);
        var a = new TransformerSampler(lm, 2).Generate([1, 2], 1, 10, 1f, seed: 5);
        var b = new TransformerSampler(lm, 2).Generate([1, 2], 1, 10, 1f, seed: 5);
        var c = new TransformerSampler(lm, 2).Generate([1, 2], 1, 10, 1f, seed: 6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(22, a.Length);
        Assert.Equal(1, a[0]);
        Assert.Equal(2, a[11]);
        var greedy = new TransformerSampler(lm, 2).Generate([1, 2], 1, 10, 1f, seed: 5, topK: 1);
        var greedyOther = new TransformerSampler(lm, 2).Generate([1, 2], 1, 10, 1f, seed: 99, topK: 1);
        Assert.Equal(greedy, greedyOther);
    }

    [Fact]
    public void A_prefilled_prompt_continues_like_a_stepped_one()
    {
        var lm = new TransformerLm(Config, seed: 4);
        foreach (var s in lm.Parameters.Slices.Where(s => s.Tensor.Rank == 2))
        {
            Training.Init.Normal(s.Tensor, 0.3f, (ulong)s.Offset + 1);
        }

        int[] prompt = [1, 4, 2, 7, 7, 3];
        var generated = new TransformerSampler(lm, 2).Generate(prompt, 3, 9, 1f, seed: 1, topK: 1);
        // the same greedy continuation, one Step at a time
        var stepper = new TransformerSampler(lm, 2);
        Tensor logits = null!;
        for (var i = 0; i < 3; i++)
        {
            logits = stepper.Step([prompt[i], prompt[3 + i]]);
        }

        for (var i = 3; i < 12; i++)
        {
            var next = new int[2];
            for (var r = 0; r < 2; r++)
            {
                var row = logits.Data.Slice(r * Config.Vocab, Config.Vocab).ToArray();
                next[r] = Array.IndexOf(row, row.Max());
                Assert.Equal(next[r], generated[(r * 12) + i]);
            }

            if (i < 11)
            {
                logits = stepper.Step(next);
            }
        }
    }
}
