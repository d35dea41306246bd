using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Families.NGram;
using CollapseLab.Random;

namespace CollapseLab.Tests.Language;

internal static class LanguageTestData
{
    /// <summary>Sequences of ids with a tokenizer of <paramref name="types"/> types (ids 1 … types; 0 = boundary).</summary>
    public static TokenBatch Batch(int types, params int[][] sequences)
    {
        var offsets = new int[sequences.Length + 1];
        for (var i = 0; i < sequences.Length; i++)
        {
            offsets[i + 1] = offsets[i] + sequences[i].Length;
        }
        return new TokenBatch(sequences.SelectMany(s => s).ToArray(), offsets, new SyntheticTokenizer(types));
    }

    public static FitContext Context(TokenBatch pool, int generation = 0) =>
        new(generation, new StreamKey(1, 0, generation, Purpose.Fit), 1, null, null, pool);

    public static NGramModel FitNGram(TokenBatch data, int order, NGramSmoothing smoothing = NGramSmoothing.KneserNey, double alpha = 0,
        SamplingOptions? sampling = null) =>
        (NGramModel)new NGramFamily(order, smoothing, alpha, sampling ?? SamplingOptions.Default).Fit(data, Context(data));

    /// <summary>Every history of length <paramref name="length"/> over ids 0 … V−1.</summary>
    public static IEnumerable<int[]> Histories(int vocabularySize, int length)
    {
        var total = (int)Math.Pow(vocabularySize, length);
        for (var k = 0; k < total; k++)
        {
            var h = new int[length];
            var x = k;
            for (var j = 0; j < length; j++)
            {
                h[j] = x % vocabularySize;
                x /= vocabularySize;
            }
            yield return h;
        }
    }

    /// <summary>Random sequences of ids 1 … types, skewed towards small ids so that some n-grams repeat and some are rare.</summary>
    public static TokenBatch RandomBatch(int types, int sequences, int maxLength, ulong seed)
    {
        var rng = new RandomStream(seed);
        var data = new int[sequences][];
        for (var s = 0; s < sequences; s++)
        {
            data[s] = new int[rng.NextInt(maxLength + 1)];
            for (var i = 0; i < data[s].Length; i++)
            {
                var u = rng.NextDouble();
                data[s][i] = 1 + (int)(u * u * types);
            }
        }
        return Batch(types, data);
    }
}
