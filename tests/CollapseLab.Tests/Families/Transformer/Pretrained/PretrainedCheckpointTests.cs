using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Models.Pretrained;
using Xunit.Abstractions;

namespace CollapseLab.Tests.Families.Transformer.Pretrained;

/// <summary>
/// Logits of the GPT-2 (F32), OPT (F16) and Llama (BF16, two shards) fixtures against the PyTorch reference
/// implementations in Fixtures/pretrained/make_fixtures.py, the KV-cached decoder against the full forward, and
/// export → import bit for bit.
/// </summary>
public class PretrainedCheckpointTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Architectures() => new(PretrainedFixtures.Architectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Logits_match_pytorch(string name)
    {
        var folder = PretrainedFixtures.Folder(name);
        var (lm, config) = HfCheckpoint.Load(folder);
        Assert.Equal(name, config.Architecture.ModelType);
        var reference = SafeTensors.Load(Path.Combine(folder, "reference.safetensors"));
        var prompts = reference.Keys.Count(k => k.StartsWith("prompt.", StringComparison.Ordinal));
        Assert.True(prompts >= 3);
        for (var i = 0; i < prompts; i++)
        {
            var ids = reference[$"prompt.{i}"].ToArray().Select(x => (int)x).ToArray();
            using var scope = Tape.NoGrad();
            var logits = lm.Logits(ids, 1, ids.Length).Data;
            var expected = reference[$"logits.{i}"].Data;
            var rel = MaxRelative(logits, expected);
            output.WriteLine($"{name} prompt {i}: max relative difference {rel:E2}");
            Assert.True(rel <= Tolerance, $"{name} prompt {i}: {rel:E2}");
        }
    }

    /// <summary>Ten AdamW steps on one batch (lr 1e-2, no decay, no clipping) give PyTorch's losses: the gradients agree.</summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void Fine_tuning_losses_match_pytorch(string name)
    {
        var folder = PretrainedFixtures.Folder(name);
        var (lm, _) = HfCheckpoint.Load(folder);
        var reference = SafeTensors.Load(Path.Combine(folder, "reference.safetensors"));
        var idx = reference["train.idx"].ToArray().Select(x => (int)x).ToArray();
        var targets = reference["train.targets"].ToArray().Select(x => (int)x).ToArray();
        var (b, t) = (reference["train.idx"].Shape[0], reference["train.idx"].Shape[1]);
        var expected = reference["train.losses"].ToArray();
        var optimizer = CollapseLab.Tensors.Training.Adam.W(lm.Parameters, 1e-2f, 0.9f, 0.999f, 1e-8f, 0f);
        for (var step = 0; step < expected.Length; step++)
        {
            lm.Parameters.ZeroGrad();
            using var tape = new Tape();
            var loss = lm.Loss(idx, targets, b, t);
            tape.Backward(loss);
            optimizer.Step();
            var rel = Math.Abs(loss.Item() - expected[step]) / Math.Abs(expected[step]);
            output.WriteLine($"{name} step {step}: loss {loss.Item():F6}, PyTorch {expected[step]:F6}, relative difference {rel:E2}");
            Assert.True(rel <= Tolerance, $"{name} step {step}: {loss.Item()} vs {expected[step]}");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Cached_decoding_matches_the_full_forward(string name)
    {
        var (lm, _) = HfCheckpoint.Load(PretrainedFixtures.Folder(name));
        int[] ids = [5, 17, 299, 0, 42, 42, 7, 256, 3];
        using var scope = Tape.NoGrad();
        var full = lm.Logits(ids, 1, ids.Length).Data.ToArray();
        var decoder = lm.Decoder(1);
        var v = lm.Vocab;
        for (var i = 0; i < ids.Length; i++)
        {
            var step = decoder.Step([ids[i]]).Data;
            var rel = MaxRelative(step, full.AsSpan(i * v, v));
            Assert.True(rel <= 1e-5, $"{name} position {i}: {rel:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_batched_prefill_gives_the_bits_of_feeding_one_token_at_a_time(string name)
    {
        var (lm, _) = HfCheckpoint.Load(PretrainedFixtures.Folder(name));
        // Two rows of 40 tokens: past the context of 32, so the cache is also rebuilt from the cropped history.
        var (n, prefix) = (40, 20);
        Assert.True(n > lm.Context && prefix < lm.Context);
        var rows = Enumerable.Range(0, 2 * n).Select(i => i * 37 % lm.Vocab).ToArray();
        var kinds = OpenBlasGemm.IsAvailable ? new[] { GemmKind.Managed, GemmKind.OpenBlas } : [GemmKind.Managed];
        foreach (var kind in kinds)
        {
            // One thread, as the family decodes.
            using var compute = new Compute(kind, 1).Enter();
            var stepped = lm.Decoder(2);
            var expected = new float[n][];
            for (var i = 0; i < n; i++)
            {
                expected[i] = stepped.Step([rows[i], rows[n + i]]).ToArray();
            }

            var batched = lm.Decoder(2);
            var head = rows[..prefix].Concat(rows[n..(n + prefix)]).ToArray();
            var got = batched.Feed(head, prefix).ToArray();
            Assert.True(expected[prefix - 1].SequenceEqual(got), $"{kind} after the prefill: {MaxRelative(got, expected[prefix - 1]):E2}");
            Assert.Equal(prefix, batched.Position);
            var tail = rows[prefix..n].Concat(rows[(n + prefix)..]).ToArray();
            got = batched.Feed(tail, n - prefix).ToArray();
            Assert.True(expected[n - 1].SequenceEqual(got), $"{kind} past the context: {MaxRelative(got, expected[n - 1]):E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Export_then_import_gives_the_same_bits(string name)
    {
        var (lm, config) = HfCheckpoint.Load(PretrainedFixtures.Folder(name));
        var folder = Directory.CreateTempSubdirectory("collapselab-export").FullName;
        HfCheckpoint.Save(lm, config, folder);
        var (again, config2) = HfCheckpoint.Load(folder);
        Assert.Equal(config.Architecture, config2.Architecture);
        Assert.Equal(lm.Parameters.Data, again.Parameters.Data);
        HfCheckpoint.Save(again, config2, folder);
        var (third, _) = HfCheckpoint.Load(folder);
        Assert.Equal(lm.Parameters.Data.Select(BitConverter.SingleToInt32Bits), third.Parameters.Data.Select(BitConverter.SingleToInt32Bits));
    }

    private static double MaxRelative(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        var (diff, scale) = (0.0, 0.0);
        for (var i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return diff / scale;
    }
}
