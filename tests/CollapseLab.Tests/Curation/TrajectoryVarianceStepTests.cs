using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Tests.Curation;

public class TrajectoryVarianceStepTests
{
    /// <summary>A model whose trajectory variance of a row is its first value, so which rows are kept is known.</summary>
    private sealed class FirstValueVariance : ITrajectoryVariance
    {
        public int DefaultTrajectorySteps => 3;

        public int SamplerSteps => 10;

        public int? StepsAsked { get; private set; }

        public string? Degeneracy => null;

        public DataBatch Sample(int count, StreamKey stream, int threads) => throw new NotSupportedException();

        public double[] TrajectoryVariance(DataBatch items, int steps, StreamKey stream, int threads)
        {
            StepsAsked = steps;
            var rows = (RowBatch)items;
            return Enumerable.Range(0, rows.Count).Select(i => rows.Row(i)[0]).ToArray();
        }
    }

    private static readonly RowBatch Rows = new([5, 0, 1, 1, 9, 2, 0.5, 3, 7, 4, 2, 5, 1, 6, 8, 7, 3, 8, 6, 9], 2);

    private static RowBatch Apply(CurationStep step, ITrajectoryVariance model, ulong seed = 1) =>
        (RowBatch)step.Apply(new CurationInput(1, Rows, model, null!, new StreamKey(seed, 0, 1, Purpose.Curation).Named(step.Name), 1)).Kept;

    [Fact]
    public void Keeps_the_lowest_variance_share_in_sample_order()
    {
        var model = new FirstValueVariance();
        var kept = Apply(new TrajectoryVarianceStep(0.4, null, random: false), model);
        // variances 5 1 9 0.5 7 2 1 8 3 6: the lowest four are rows 1, 3, 5, 6
        Assert.Equal([1.0, 1, 0.5, 3, 2, 5, 1, 6], kept.Values);
        Assert.Equal(3, model.StepsAsked);
    }

    [Fact]
    public void Asked_steps_are_capped_at_the_samplers_steps()
    {
        var model = new FirstValueVariance();
        Apply(new TrajectoryVarianceStep(0.5, 50, random: false), model);
        Assert.Equal(10, model.StepsAsked);
    }

    [Fact]
    public void The_random_control_keeps_the_same_count_and_differs_by_stream()
    {
        var model = new FirstValueVariance();
        var a = Apply(new TrajectoryVarianceStep(0.4, null, random: true), model, seed: 1);
        var b = Apply(new TrajectoryVarianceStep(0.4, null, random: true), model, seed: 2);
        Assert.Equal(4, a.Count);
        Assert.Equal(4, b.Count);
        Assert.Null(model.StepsAsked);
        Assert.Equal(a.Values, Apply(new TrajectoryVarianceStep(0.4, null, random: true), model, seed: 1).Values);
        Assert.NotEqual(a.Values, b.Values);
    }

    [Fact]
    public void Random_control_keeps_each_sample_with_the_keep_rate()
    {
        // Over 400 streams each of the 10 rows is kept 160 times in expectation (binomial, p = 0.4).
        var counts = new int[10];
        var step = new TrajectoryVarianceStep(0.4, null, random: true);
        for (var s = 0UL; s < 400; s++)
        {
            var kept = Apply(step, new FirstValueVariance(), seed: s);
            for (var i = 0; i < kept.Count; i++)
            {
                counts[(int)kept.Row(i)[1]]++;
            }
        }

        var se = Math.Sqrt(400 * 0.4 * 0.6);
        Assert.All(counts, c => Assert.InRange(c, 160 - (4 * se), 160 + (4 * se)));
    }

    [Fact]
    public void Keep_one_returns_the_samples_unchanged() =>
        Assert.Same(Rows, Apply(new TrajectoryVarianceStep(1, null, random: false), new FirstValueVariance()));
}
