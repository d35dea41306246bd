using CollapseLab.Data;
using CollapseLab.Families.Kde;

namespace CollapseLab.Tests.Families.Kde;

/// <summary>
/// An accumulating chain scores the same test points against centres that grow by appending, and the scorer resumes
/// from the state it kept at the last whole centre tile. Every score must have the bits of a scorer that starts from
/// nothing (a fresh thread has no kept state), whatever the kernel, dimension and thread count, and a change inside
/// the kept prefix must not be served from it.
/// </summary>
public class KdeResumedScoreTests
{
    [Theory]
    [InlineData(KdeKernel.Gaussian, 2, 1)]
    [InlineData(KdeKernel.Gaussian, 2, 2)]
    [InlineData(KdeKernel.Gaussian, 7, 2)]
    [InlineData(KdeKernel.Epanechnikov, 3, 1)]
    [InlineData(KdeKernel.Tophat, 2, 2)]
    public void Growing_centres_score_with_the_bits_of_a_fresh_pass(KdeKernel kernel, int d, int threads)
    {
        var random = new System.Random(11);
        var queries = new RowBatch(Values(random, 150 * d, 2), d);
        var all = Values(random, 9000 * d, 1);
        var h = Enumerable.Repeat(0.7, d).ToArray();
        // 1,300 rows a generation cross the point tile (2048 at d = 2) at uneven places; a repeat hits a kept end exactly.
        foreach (var n in new[] { 1300, 2600, 3900, 3900, 5200, 6500, 9000 })
        {
            var model = new KdeModel(new RowBatch(all[..(n * d)], d), h, kernel);
            var resumed = new double[queries.Count];
            model.LogDensities(queries, resumed, threads);
            Assert.Equal(Bits(Fresh(model, queries, threads)), Bits(resumed));
        }
    }

    [Fact]
    public void A_changed_centre_inside_the_kept_prefix_is_scored_afresh()
    {
        var random = new System.Random(3);
        var queries = new RowBatch(Values(random, 100 * 2, 2), 2);
        var all = Values(random, 6000 * 2, 1);
        var h = new[] { 0.5, 0.5 };
        new KdeModel(new RowBatch(all[..8000], 2), h, KdeKernel.Gaussian).LogDensities(queries, new double[100], 1);
        var changed = all.ToArray();
        changed[17] += 1e-12;
        var model = new KdeModel(new RowBatch(changed, 2), h, KdeKernel.Gaussian);
        var scored = new double[100];
        model.LogDensities(queries, scored, 1);
        Assert.Equal(Bits(Fresh(model, queries, 1)), Bits(scored));
    }

    private static double[] Fresh(KdeModel model, RowBatch queries, int threads)
    {
        var result = new double[queries.Count];
        var thread = new Thread(() => model.LogDensities(queries, result, threads));
        thread.Start();
        thread.Join();
        return result;
    }

    private static double[] Values(System.Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => scale * (random.NextDouble() * 2 - 1)).ToArray();

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
