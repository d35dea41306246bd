using CollapseLab.Data.Text;
using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;
using static CollapseLab.Tests.Language.LanguageTestData;

namespace CollapseLab.Tests.Language.Families;

/// <summary>The sort-based counts against a plain dictionary count, and the fit against itself on more threads.</summary>
public class NGramCountingTests
{
    /// <summary>Every (context, token) count of every order, keyed by the tokens oldest first.</summary>
    private static Dictionary<string, int> Naive(TokenBatch batch, int order, bool continuation)
    {
        var top = new Dictionary<string, int>();
        for (var s = 0; s < batch.Count; s++)
        {
            int[] padded = [.. Enumerable.Repeat(0, order - 1), .. batch.Sequence(s).ToArray(), 0];
            for (var i = order - 1; i < padded.Length; i++)
            {
                var key = string.Join(' ', padded[(i - order + 1)..(i + 1)]);
                top[key] = top.GetValueOrDefault(key) + 1;
            }
        }
        var all = new Dictionary<string, int>(top);
        var level = top.Keys.ToList();
        for (var d = order - 1; d >= 1 && continuation; d--)
        {
            var lower = new Dictionary<string, int>();
            foreach (var key in level)
            {
                var shorter = string.Join(' ', key.Split(' ')[1..]);
                lower[shorter] = lower.GetValueOrDefault(shorter) + 1;
            }
            foreach (var (k, v) in lower)
            {
                all[k] = v;
            }
            level = lower.Keys.ToList();
        }
        return all;
    }

    private static Dictionary<string, int> Table(NGramTable table)
    {
        var result = new Dictionary<string, int>();
        for (var c = 0; c < table.ContextCount; c++)
        {
            var tokens = new List<int>();
            for (var x = c; x > 0; x = table.ContextParent[x])
            {
                tokens.Add(table.ContextToken[x]);
            }
            for (var e = table.EntryStart[c]; e < table.EntryStart[c + 1]; e++)
            {
                Assert.True(e == table.EntryStart[c] || table.EntryToken[e - 1] < table.EntryToken[e], "entries are sorted by token within a context");
                result.Add(string.Join(' ', tokens.Append(table.EntryToken[e])), table.EntryCount[e]);
            }
        }
        return result;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(3, false)]
    [InlineData(5, true)]
    public void CountsMatchADictionaryCount(int order, bool continuation)
    {
        var batch = RandomBatch(7, 300, 12, (ulong)order);
        var table = NGramTable.Count(batch, order, 8, 0, continuation, threads: 1);
        var expected = Naive(batch, order, continuation);
        var actual = Table(table);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, count) in expected)
        {
            Assert.Equal(count, actual[key]);
        }
    }

    /// <summary>Large enough that the counting sort and the model's weights are split between threads.</summary>
    [Fact]
    public void FitIsTheSameOnAnyThreadCount()
    {
        var batch = RandomBatch(3000, 4000, 80, 11);
        NGramModel Fit(int threads) => (NGramModel)new NGramFamily(3, NGramSmoothing.KneserNey, 0, SamplingOptions.Default)
            .Fit(batch, new CollapseLab.Families.FitContext(0, new StreamKey(1, 0, 0, Purpose.Fit), threads, null, null, batch));
        var one = Fit(1);
        var two = Fit(2);
        Assert.True(one.EntryCount > 2 << 16, "big enough to be split");
        Assert.Equal(one.EntryCount, two.EntryCount);
        var (rngOne, rngTwo) = (new RandomStream(5), new RandomStream(5));
        var history = new List<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var h = history.Count > 2 ? history.GetRange(history.Count - 2, 2).ToArray() : history.ToArray();
            Assert.Equal(one.Probability(h, i % 3001), two.Probability(h, i % 3001));
            var t = one.SampleNext(h, rngOne);
            Assert.Equal(t, two.SampleNext(h, rngTwo));
            history.Add(t);
        }
    }
}
