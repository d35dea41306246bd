using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Tests.Random;

public class RandomStreamTests
{
    [Fact]
    public void Same_key_gives_same_bits_and_keys_differ_in_every_field()
    {
        var key = new StreamKey(7, 3, 5, Purpose.Sample, 2);
        Assert.Equal(key.Open().NextUInt64(), key.Open().NextUInt64());
        var variants = new[]
        {
            key, key with { Seed = 8 }, key with { Replicate = 4 }, key with { Generation = 6 },
            key with { Purpose = Purpose.Fit }, key with { Chunk = 3 },
        };
        Assert.Equal(variants.Length, variants.Select(k => k.Hash).Distinct().Count());
    }

    [Fact]
    public void Normal_draws_have_the_moments_and_tails_of_a_standard_normal()
    {
        const int n = 2_000_000;
        var rng = new RandomStream(12345);
        double sum = 0, sum2 = 0, sum4 = 0;
        var beyondTailStart = 0;
        var beyond2 = 0;
        for (var i = 0; i < n; i++)
        {
            var z = rng.NextNormal();
            sum += z;
            sum2 += z * z;
            sum4 += z * z * z * z;
            beyondTailStart += Math.Abs(z) > 3.6541528853610088 ? 1 : 0;
            beyond2 += z > 2 ? 1 : 0;
        }
        // Standard errors: mean 1/√n; variance √(2/n); fourth moment √(96/n); proportions √(p(1−p)/n).
        Assert.InRange(sum / n, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(sum2 / n, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        Assert.InRange(sum4 / n, 3 - 4 * Math.Sqrt(96.0 / n), 3 + 4 * Math.Sqrt(96.0 / n));
        var pTail = 2 * SpecialFunctions.NormalCdf(-3.6541528853610088);
        Assert.InRange(beyondTailStart / (double)n, pTail - 4 * Math.Sqrt(pTail / n), pTail + 4 * Math.Sqrt(pTail / n));
        var p2 = SpecialFunctions.NormalCdf(-2);
        Assert.InRange(beyond2 / (double)n, p2 - 4 * Math.Sqrt(p2 * (1 - p2) / n), p2 + 4 * Math.Sqrt(p2 * (1 - p2) / n));
    }

    [Fact]
    public void NextInt_is_uniform_and_Choose_gives_distinct_indices()
    {
        var rng = new RandomStream(1);
        var counts = new int[7];
        const int n = 700_000;
        for (var i = 0; i < n; i++)
        {
            counts[rng.NextInt(7)]++;
        }
        var chi2 = counts.Sum(c => (c - n / 7.0) * (c - n / 7.0) / (n / 7.0));
        Assert.True(chi2 < SpecialFunctions.ChiSquareQuantile(0.9999, 6), $"χ² = {chi2}");
        var chosen = rng.Choose(50, 20);
        Assert.Equal(20, chosen.Distinct().Count());
        Assert.All(chosen, i => Assert.InRange(i, 0, 49));
    }
}
