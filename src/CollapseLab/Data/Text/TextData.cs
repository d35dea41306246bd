using CollapseLab.Random;

namespace CollapseLab.Data.Text;

/// <summary>
/// Real text as token sequences: a held-out test set (never trained on), each replicate's real pool, fresh real
/// draws, and the tokenizer they share. Corpora are split by document before cutting blocks, so no test text
/// reaches training; the synthetic language (<see cref="Truth"/>) draws every set from its known distribution.
/// </summary>
public abstract class TextData : ExperimentData
{
    private TextStatistics? _statistics;

    public override DataKind Kind => DataKind.Tokens;

    public override abstract TokenBatch Test { get; }

    public abstract Tokenizer Tokenizer { get; }

    /// <summary>Length of each real sequence (block), in tokens.</summary>
    public abstract int BlockLength { get; }

    /// <summary>The data-generating language when it is known (synthetic sources), else null.</summary>
    public virtual SyntheticLanguage? Truth => null;

    /// <summary>Type counts and the tail of the real test set, computed once.</summary>
    public TextStatistics Statistics => _statistics ??= new TextStatistics(Test, Tokenizer.VocabularySize, Tokenizer.Boundary);

    /// <summary>Refuses non-text data for <paramref name="what"/> (e.g. "an n-gram model"), naming the text sources.</summary>
    public static void Require(ExperimentData data, Specs.SpecReader model, string what)
    {
        if (data is not TextData)
        {
            throw model.Error("family", $"{what} needs text data (source: text:path, wikitext:folder, kjv or zipf).");
        }
    }

    public static int VocabularySizeOf(TokenBatch realPool) => TokenizerOf(realPool).VocabularySize;

    public static int BoundaryOf(TokenBatch realPool) => TokenizerOf(realPool).Boundary;

    private static Tokenizer TokenizerOf(TokenBatch realPool) =>
        realPool.Tokenizer ?? throw new InvalidOperationException("the real pool carries no tokenizer");
}

/// <summary>Real text cut into blocks: the pool is a seeded subset of the training blocks, fresh data draws them with replacement.</summary>
public sealed class CorpusData : TextData
{
    private readonly TokenBatch _train;
    private readonly string _description;

    public CorpusData(TokenBatch train, TokenBatch test, int poolSize, int blockLength, Tokenizer tokenizer, string description)
    {
        _train = train;
        Test = test;
        PoolSize = poolSize;
        BlockLength = blockLength;
        Tokenizer = tokenizer;
        _description = description;
    }

    /// <summary>All training blocks (each replicate's pool is drawn from these).</summary>
    public TokenBatch TrainingBlocks => _train;

    public override TokenBatch Test { get; }

    public override int PoolSize { get; }

    public override int BlockLength { get; }

    public override Tokenizer Tokenizer { get; }

    public override DataBatch Pool(ulong seed, int replicate)
    {
        if (PoolSize == _train.Count)
        {
            return _train;
        }
        var pick = new StreamKey(seed, replicate, 0, Purpose.RealPool).Open().Choose(_train.Count, PoolSize);
        return _train.Compose([new BatchPart(_train, pick)]);
    }

    public override DataBatch Fresh(int count, StreamKey stream)
    {
        var rng = stream.Open();
        var pick = new int[count];
        for (var i = 0; i < count; i++)
        {
            pick[i] = rng.NextInt(_train.Count);
        }
        return _train.Compose([new BatchPart(_train, pick)]);
    }

    public override string Describe() =>
        $"{_description}; {Tokenizer.Describe()}; {BlockLength}-token blocks: real pool {PoolSize:N0} of {_train.Count:N0}, test {Test.Count:N0}";
}

/// <summary>Sequences of a <see cref="SyntheticLanguage"/>: pool, test and fresh data are all drawn from the truth.</summary>
public sealed class SyntheticTextData : TextData
{
    private readonly SyntheticLanguage _truth;

    public SyntheticTextData(SyntheticLanguage truth, int poolSize, int testSize, int blockLength, ulong seed)
    {
        _truth = truth;
        PoolSize = poolSize;
        BlockLength = blockLength;
        Test = truth.Sample(testSize, blockLength, new StreamKey(seed, 0, 0, Purpose.RealTest));
    }

    public override SyntheticLanguage Truth => _truth;

    public override TokenBatch Test { get; }

    public override int PoolSize { get; }

    public override int BlockLength { get; }

    public override Tokenizer Tokenizer => _truth.Tokenizer;

    public override DataBatch Pool(ulong seed, int replicate) =>
        _truth.Sample(PoolSize, BlockLength, new StreamKey(seed, replicate, 0, Purpose.RealPool));

    public override DataBatch Fresh(int count, StreamKey stream) => _truth.Sample(count, BlockLength, stream);

    public override string Describe() =>
        $"{_truth.Describe()}; {BlockLength}-token sequences: real pool {PoolSize:N0}, test {Test.Count:N0}";
}
