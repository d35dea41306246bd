using CollapseLab.Data.Text;
using CollapseLab.Families.Language;

namespace CollapseLab.Detection;

/// <summary>
/// A text as a feature row for a real-vs-synthetic classifier: relative frequencies of its hashed unigrams and
/// bigrams in <see cref="Buckets"/> buckets, then the mean, standard deviation and minimum of its per-token
/// log-probabilities under a reference language model (0 without one).
/// </summary>
public static class TextFeatures
{
    public const int Buckets = 256;

    public const int Width = Buckets + 3;

    /// <summary>The rows of every text, one after another.</summary>
    public static double[] Rows(TokenBatch texts, ILanguageModel? reference)
    {
        var rows = new double[texts.Count * Width];
        var scratch = new double[Math.Max(1, Enumerable.Range(0, texts.Count).Select(texts.Length).DefaultIfEmpty(0).Max())];
        for (var i = 0; i < texts.Count; i++)
        {
            Row(texts.Sequence(i), reference, rows.AsSpan(i * Width, Width), scratch);
        }
        return rows;
    }

    /// <summary>Writes the row of <paramref name="tokens"/> into <paramref name="destination"/> (length <see cref="Width"/>).</summary>
    public static void Row(ReadOnlySpan<int> tokens, ILanguageModel? reference, Span<double> destination, double[] scratch)
    {
        destination.Clear();
        if (tokens.Length == 0)
        {
            return;
        }
        for (var i = 0; i < tokens.Length; i++)
        {
            destination[(int)(Hash((uint)tokens[i], 0) % Buckets)] += 1.0 / tokens.Length;
            if (i > 0)
            {
                destination[(int)(Hash((uint)tokens[i], (uint)tokens[i - 1] + 1) % Buckets)] += 1.0 / tokens.Length;
            }
        }
        if (reference is null)
        {
            return;
        }
        var logp = scratch.AsSpan(0, tokens.Length);
        reference.LogProbabilities(tokens, logp);
        double sum = 0, squares = 0, min = double.PositiveInfinity;
        foreach (var l in logp)
        {
            // A token the reference gives probability 0 counts as ln p = −50, so a row never holds an infinity.
            var x = Math.Max(l, -50);
            sum += x;
            squares += x * x;
            min = Math.Min(min, x);
        }
        var mean = sum / tokens.Length;
        destination[Buckets] = mean;
        destination[Buckets + 1] = Math.Sqrt(Math.Max(0, squares / tokens.Length - mean * mean));
        destination[Buckets + 2] = min;
    }

    private static ulong Hash(uint token, uint previous) => Random.SplitMix.Mix(((ulong)previous << 32) | token);
}
