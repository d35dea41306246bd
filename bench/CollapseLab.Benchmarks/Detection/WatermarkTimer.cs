using System.Diagnostics;
using CollapseLab.Data.Sources;
using CollapseLab.Data.Text;
using CollapseLab.Detection;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;

namespace CollapseLab.Benchmarks.Detection;

/// <summary>
/// `-- watermark [rounds]`: on a KJV word trigram (Kneser–Ney, one sequence per verse), the cost of watermarked
/// sampling against plain sampling (2,000 sequences of 200 tokens, one thread, rounds interleaved) and the z-test's
/// throughput on the watermarked tokens (one thread, dedup off and on), and the classifier detector's logistic fit on
/// 100,000 rows × 16 features (two Gaussian classes). Medians of the rounds.
/// </summary>
public static class WatermarkTimer
{
    private const int Sequences = 2000;
    private const int Length = 200;

    public static void Run(int rounds)
    {
        var verses = TextSources.KjvChapters().SelectMany(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var (tokenizer, encoded) = WordTokenizer.TrainAndEncode(verses, 0, false, 1);
        var offsets = new int[encoded.Length + 1];
        for (var i = 0; i < encoded.Length; i++)
        {
            offsets[i + 1] = offsets[i] + encoded[i].Length;
        }
        var batch = new TokenBatch(encoded.SelectMany(e => e).ToArray(), offsets, tokenizer);
        var mark = new Watermark(0.25, 2, Watermark.DefaultKey, 1);
        ILanguageModel Fit(Watermark? watermark) => (ILanguageModel)new NGramFamily(3, NGramSmoothing.KneserNey, 0,
                new SamplingOptions { MinLength = Length, MaxLength = Length, Watermark = watermark })
            .Fit(batch, new FitContext(0, new StreamKey(0, 0, 0, Purpose.Fit), 1, null, null, batch));
        var plain = Fit(null);
        var marked = Fit(mark);
        var key = new StreamKey(1, 0, 0, Purpose.Sample);
        Console.WriteLine($"// KJV: {verses.Count:N0} verses, {batch.TokenCount:N0} tokens, V={tokenizer.VocabularySize:N0}; {Sequences:N0} × {Length} tokens per draw");
        var plainMs = new List<double>();
        var markedMs = new List<double>();
        TokenBatch drawn = null!;
        for (var r = 0; r < rounds; r++)
        {
            plainMs.Add(Time(() => plain.Sample(Sequences, key, 1)));
            markedMs.Add(Time(() => drawn = (TokenBatch)marked.Sample(Sequences, key, 1)));
        }
        var tokens = (double)Sequences * Length;
        Console.WriteLine($"plain sampling        median {Median(plainMs),8:F1} ms ({tokens / Median(plainMs) / 1e3:F2} M tokens/s)");
        Console.WriteLine($"watermarked sampling  median {Median(markedMs),8:F1} ms ({tokens / Median(markedMs) / 1e3:F2} M tokens/s); ratio {Median(markedMs) / Median(plainMs):F2}×");
        // The first round also fills the n-gram's tilted sums for the contexts it visits, as a fresh model's one draw does.
        Console.WriteLine($"  first round         plain {plainMs[0]:F1} ms, watermarked {markedMs[0]:F1} ms; ratio {markedMs[0] / plainMs[0]:F2}×");
        var green = new GreenList(mark, tokenizer.VocabularySize);
        foreach (var dedup in new[] { false, true })
        {
            var detectMs = new List<double>();
            var z = 0.0;
            for (var r = 0; r < rounds; r++)
            {
                detectMs.Add(Time(() =>
                {
                    var scorer = new WatermarkScorer(green, dedup);
                    for (var i = 0; i < drawn.Count; i++)
                    {
                        z += scorer.Score(drawn.Sequence(i)).Z;
                    }
                }));
            }
            Console.WriteLine($"detection, dedup {(dedup ? "on " : "off")}   median {Median(detectMs),8:F1} ms ({drawn.TokenCount / Median(detectMs) / 1e3:F2} M tokens/s, one thread; mean z {z / rounds / drawn.Count:F2})");
        }
        TimeClassifier(rounds);
    }

    private static void TimeClassifier(int rounds)
    {
        const int rows = 100_000, width = 16;
        var rng = new StreamKey(3, 0, 0, Purpose.Fit).Open();
        var x = new double[rows * width];
        var y = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = i % 2 == 1;
            for (var j = 0; j < width; j++)
            {
                x[i * width + j] = rng.NextNormal() + (j == 0 && y[i] ? 1 : 0);
            }
        }
        var fitMs = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            fitMs.Add(Time(() => LogisticRegression.Fit(x, width, y)));
        }
        Console.WriteLine($"classifier fit, {rows:N0} × {width}, 300 Adam steps: median {Median(fitMs),8:F1} ms");
    }

    private static double Time(Action work)
    {
        var sw = Stopwatch.StartNew();
        work();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
