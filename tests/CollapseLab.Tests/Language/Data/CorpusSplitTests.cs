using CollapseLab.Data.Sources;
using CollapseLab.Data.Text;

namespace CollapseLab.Tests.Language.Data;

public class CorpusSplitTests
{
    /// <summary>Every document lands on exactly one side; no test document's text reaches training blocks.</summary>
    [Fact]
    public void SplitByDocumentNeverLeaks()
    {
        var docs = Enumerable.Range(0, 50).Select(i => $"document{i} " + string.Join(' ', Enumerable.Repeat($"w{i}", 20))).ToList();
        var (train, test) = TextSources.Split(new TextCorpus("toy", docs), 0.2, seed: 7);
        Assert.Equal(10, test.Count);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(50, train.Count + test.Count);
        var tokenizer = WordTokenizer.Train(train, 0, false);
        var blocks = TextSources.Cut(train, tokenizer, 8);
        foreach (var t in test)
        {
            var id = tokenizer.Encode(t.Split(' ')[0])[0];
            Assert.Equal(Vocabulary.UnknownId, id);
            Assert.DoesNotContain(blocks.Tokens, x => x == tokenizer.Encode(t.Split(' ')[1])[0] && x != Vocabulary.UnknownId);
        }
    }

    [Fact]
    public void WikiTextArticlesStartAtTopLevelHeadings()
    {
        var raw = " \n = Valkyria = \n \n text one \n = = Gameplay = = \n more \n = Tower Building = \n text two \n";
        var articles = TextSources.Articles(raw);
        Assert.Equal(2, articles.Count);
        Assert.Contains("Gameplay", articles[0], StringComparison.Ordinal);
        Assert.Contains("Tower Building", articles[1], StringComparison.Ordinal);
    }

    [Fact]
    public void TokenBatchComposesAndRoundTripsThroughACheckpoint()
    {
        var batch = LanguageTestData.Batch(9, [1, 2, 3], [4], [5, 6]);
        var composed = (TokenBatch)batch.Compose([new(batch, [2, 0]), new(batch, null)]);
        Assert.Equal(5, composed.Count);
        Assert.Equal([5, 6], composed.Sequence(0).ToArray());
        Assert.Equal([1, 2, 3], composed.Sequence(1).ToArray());
        Assert.Equal("w5 w6", composed.Preview(0));
        using var stream = new MemoryStream();
        composed.Save(new BinaryWriter(stream));
        stream.Position = 0;
        var back = (TokenBatch)CollapseLab.Data.DataBatch.Read(new BinaryReader(stream));
        Assert.Equal(composed.Tokens, back.Tokens);
        Assert.Equal(composed.Offsets, back.Offsets);
    }
}
