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

    /// <summary>Beam search branches a sequence with CopyFrom and reuses a state with Reset, as the decoder cache does.</summary>
    [Fact]
    public void A_copied_sampler_continues_like_its_source_and_a_reset_one_like_a_fresh_one()
    {
        var lm = new TransformerLm(Config, seed: 4);
        int[] tokens = [1, 4, 2, 7, 7, 3, 5, 8];
        var source = new TransformerSampler(lm, 1);
        for (var i = 0; i < 4; i++)
        {
            source.Step([tokens[i]]);
        }

        var copy = new TransformerSampler(lm, 1);
        copy.Step([tokens[7]]);
        copy.CopyFrom(source);
        Assert.Equal(source.Position, copy.Position);
        for (var i = 4; i < tokens.Length; i++)
        {
            Assert.Equal(source.Step([tokens[i]]).ToArray(), copy.Step([tokens[i]]).ToArray());
        }

        copy.Reset();
        var fresh = new TransformerSampler(lm, 1);
        Assert.Equal(0, copy.Position);
        foreach (var t in tokens)
        {
            Assert.Equal(fresh.Step([t]).ToArray(), copy.Step([t]).ToArray());
        }
    }
}
