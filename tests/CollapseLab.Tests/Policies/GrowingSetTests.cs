using CollapseLab.Data;
using CollapseLab.Policies;
using CollapseLab.Random;

namespace CollapseLab.Tests.Policies;

/// <summary>
/// Accumulate grows last generation's set in place: the same rows in the same order as composing afresh, and a
/// batch already handed out never changes when a later one grows past it.
/// </summary>
public class GrowingSetTests
{
    private static RowBatch Rows(int count, int dim, ulong seed)
    {
        var rng = new RandomStream(seed);
        return new RowBatch(Enumerable.Range(0, count * dim).Select(_ => rng.NextNormal()).ToArray(), dim);
    }

    [Fact]
    public void Grown_in_place_equals_composed_afresh_every_generation()
    {
        var pool = Rows(7, 3, 1);
        var synthetic = new DataBatch?[41];
        DataBatch? previous = pool;
        var policy = new AccumulatePolicy();
        for (var g = 1; g <= 40; g++)
        {
            synthetic[g - 1] = Rows(5 + g % 4, 3, (ulong)(100 + g));
            var input = new PolicyInput(g, pool, synthetic, (_, _) => throw new InvalidOperationException(), new StreamKey(0, 0, g, Purpose.Policy));
            var grown = policy.Compose(input with { PreviousTraining = previous });
            var afresh = policy.Compose(input);
            Assert.Equal(((RowBatch)afresh.Data).Values, ((RowBatch)grown.Data).Values);
            Assert.Equal(afresh.Composition.Synthetic, grown.Composition.Synthetic);
            previous = grown.Data;
        }
    }

    [Fact]
    public void A_batch_is_never_changed_by_a_later_extension()
    {
        var first = Rows(4, 2, 3).Extend([Rows(2, 2, 4)]);
        var snapshot = first.Span.ToArray();
        var a = first.Extend([Rows(1, 2, 5)]);
        // Extending the same batch again must not overwrite a's rows: it gets a buffer of its own.
        var b = first.Extend([Rows(1, 2, 6)]);
        Assert.Equal(snapshot, first.Values);
        Assert.Equal([.. snapshot, .. Rows(1, 2, 5).Values], a.Values);
        Assert.Equal([.. snapshot, .. Rows(1, 2, 6).Values], b.Values);
        Assert.Equal(7, a.Count);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            a.Save(w);
        }
        stream.Position = 0;
        Assert.Equal(a.Values, ((RowBatch)DataBatch.Read(new BinaryReader(stream))).Values);
    }

    [Fact]
    public void A_small_choice_from_a_large_range_gives_the_dense_indices()
    {
        // k < n/8 takes the sparse path; k = n/8 and above the dense one. Both must make the same draws.
        foreach (var (n, k) in new[] { (1000, 10), (100_000, 1000), (64, 7) })
        {
            var sparse = new RandomStream(9).Choose(n, k);
            var denseRng = new RandomStream(9);
            var p = Enumerable.Range(0, n).ToArray();
            for (var i = 0; i < k; i++)
            {
                var j = i + denseRng.NextInt(n - i);
                (p[i], p[j]) = (p[j], p[i]);
            }
            Assert.Equal(p[..k], sparse);
        }
    }
}
