using CollapseLab.Data.Text;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// <c>zipf</c>: sequences of a <see cref="SyntheticLanguage"/> with known truth. Keys: vocab (types, 1000), exponent
/// (s, 1.1), order (1 = independent tokens, Kazdan et al.'s categorical setting; 2–3 = Markov), successors (B, 20),
/// epsilon (unigram mixing, 0.05), block (sequence length, 64), train (sequences per pool, 1000), test (2000).
/// </summary>
public static class ZipfSource
{
    /// <summary>Largest V^order: the exact entropy rate and KL sum over every context and type.</summary>
    public const double MaxWork = 5e7;

    public static Func<ulong, ExperimentData> Read(SpecReader data)
    {
        var types = data.Int("vocab", 1000, min: 2, max: 10_000_000);
        var exponent = data.Double("exponent", 1.1, min: 0);
        var order = data.Int("order", 2, min: 1, max: 8);
        if (Math.Pow(types, order) > MaxWork)
        {
            throw data.Error("order", $"vocab^order = {types}^{order} is above {MaxWork:G2}: the exact entropy rate and KL would sum over too many contexts. Lower vocab or order.");
        }
        var successors = data.Int("successors", 20, min: 1);
        var epsilon = data.Double("epsilon", 0.05, min: 0, max: 1, exclusiveMin: true);
        var block = data.Int("block", 64, min: 1, max: 1_000_000);
        var train = data.Int("train", 1000, min: 1);
        var test = data.Int("test", 2000, min: 1);
        return seed => new SyntheticTextData(new SyntheticLanguage(types, exponent, order, successors, epsilon, seed), train, test, block, seed);
    }
}
