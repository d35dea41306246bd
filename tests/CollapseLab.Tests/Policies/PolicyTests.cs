using CollapseLab.Data;
using CollapseLab.Policies;
using CollapseLab.Random;

namespace CollapseLab.Tests.Policies;

/// <summary>Each policy's training set, checked by content: real rows hold −1, generation k's rows hold k.</summary>
public class PolicyTests
{
    private const int Pool = 20;
    private const int M = 30;

    private static PolicyInput Input(int generation, bool keepAll = true)
    {
        var synthetic = new DataBatch?[generation + 1];
        for (var k = 0; k < generation; k++)
        {
            synthetic[k] = keepAll || k == generation - 1 ? Rows(M, k) : null;
        }
        var fresh = 0;
        return new PolicyInput(generation, Rows(Pool, -1), synthetic, (n, _) => { fresh += n; return Rows(n, -2); }, new StreamKey(5, 0, generation, Purpose.Policy));
    }

    private static RowBatch Rows(int count, double value) => new(Enumerable.Repeat(value, count).ToArray(), 1);

    private static Dictionary<double, int> Origins(TrainingSet set) =>
        ((RowBatch)set.Data).Values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Replace_uses_only_the_last_generation()
    {
        var set = new ReplacePolicy().Compose(Input(3));
        Assert.Equal(new Dictionary<double, int> { [2] = M }, Origins(set));
        Assert.Equal(0, set.Composition.Real);
        Assert.Equal([new OriginCount(2, M)], set.Composition.Synthetic);
    }

    [Fact]
    public void Keep_real_keeps_a_fraction_of_the_pool_at_the_pool_size()
    {
        var set = new KeepRealPolicy(0.25).Compose(Input(3, keepAll: false));
        Assert.Equal(new Dictionary<double, int> { [-1] = 5, [2] = 15 }, Origins(set));
        Assert.Equal(5, set.Composition.Real);
        Assert.Equal(0.25, set.Composition.RealShare);
    }

    [Fact]
    public void Accumulate_keeps_everything()
    {
        var set = new AccumulatePolicy().Compose(Input(3));
        Assert.Equal(new Dictionary<double, int> { [-1] = Pool, [0] = M, [1] = M, [2] = M }, Origins(set));
        Assert.Equal([new OriginCount(0, M), new OriginCount(1, M), new OriginCount(2, M)], set.Composition.Synthetic);
        Assert.Equal(Pool + 3 * M, new AccumulatePolicy().TrainingSize(3, Pool, M));
    }

    [Fact]
    public void Accumulate_subsample_draws_a_fixed_size_uniformly_from_all_data()
    {
        var policy = new AccumulateSubsamplePolicy(40);
        var set = policy.Compose(Input(3));
        Assert.Equal(40, set.Data.Count);
        var origins = Origins(set);
        Assert.Equal(set.Composition.Real, origins.GetValueOrDefault(-1));
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(set.Composition.FromGeneration(k), origins.GetValueOrDefault(k));
        }
        // Uniform over 110 items: the expected real count is 40·20/110 ≈ 7.3; over many draws the mean matches.
        var reals = Enumerable.Range(0, 2000).Select(s => policy.Compose(Input(3) with { RngKey = new StreamKey((ulong)s, 0, 3, Purpose.Policy) }).Composition.Real).ToArray();
        var (mean, se) = TestSpecs.MeanAndError(reals.Select(r => (double)r).ToArray());
        Assert.InRange(40.0 * Pool / (Pool + 3 * M), mean - 4 * se, mean + 4 * se);
        // Fewer items than the size: all of them.
        Assert.Equal(Pool + M, new AccumulateSubsamplePolicy(100).Compose(Input(1)).Data.Count);
    }

    [Fact]
    public void Fresh_real_draws_new_real_samples_for_a_fraction()
    {
        var set = new FreshRealPolicy(0.5).Compose(Input(2, keepAll: false));
        Assert.Equal(new Dictionary<double, int> { [-2] = 10, [1] = 10 }, Origins(set));
        Assert.Equal(10, set.Composition.Real);
    }

    [Fact]
    public void Mix_adds_lambda_times_the_pool_of_synthetic_data_to_all_real_data()
    {
        var set = new MixPolicy(0.5).Compose(Input(2, keepAll: false));
        Assert.Equal(new Dictionary<double, int> { [-1] = Pool, [1] = 10 }, Origins(set));
        // λ·|real| larger than one generation: topped up with replacement.
        var big = new MixPolicy(2).Compose(Input(2, keepAll: false));
        Assert.Equal(2 * Pool, big.Composition.FromGeneration(1));
    }
}
