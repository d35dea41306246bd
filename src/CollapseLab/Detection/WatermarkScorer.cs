using CollapseLab.Families.Language;

namespace CollapseLab.Detection;

/// <summary>
/// Counts green tokens under a key. A token is scored when it is not part of the prompt and has
/// <see cref="GreenList.Window"/> tokens before it (prompt tokens count as context). With dedup, a (context window,
/// token) pair is scored once however often it repeats (Sander et al. 2024): repeated n-grams are not independent
/// evidence, and without this a model that merely memorised watermarked text looks watermarked. A scorer with
/// dedup remembers pairs across calls, so scoring a corpus text by text dedups the corpus; one per thread.
/// </summary>
public sealed class WatermarkScorer(GreenList green, bool dedup)
{
    private readonly HashSet<(ulong Seed, int Token)> _seen = [];

    public GreenList Green { get; } = green;

    public bool Dedup { get; } = dedup;

    /// <summary>Forgets the pairs seen so far (a new corpus).</summary>
    public void Reset() => _seen.Clear();

    /// <summary>Scores <paramref name="tokens"/>, of which the first <paramref name="promptLength"/> are a prompt.</summary>
    public WatermarkScore Score(ReadOnlySpan<int> tokens, int promptLength = 0)
    {
        var window = Green.Window;
        int scored = 0, green = 0;
        for (var i = Math.Max(promptLength, window); i < tokens.Length; i++)
        {
            var seed = Green.Seed(tokens[..i]);
            var token = tokens[i];
            if (Dedup && !_seen.Add((seed, token)))
            {
                continue;
            }
            scored++;
            green += Green.IsGreen(seed, token) ? 1 : 0;
        }
        return new WatermarkScore(scored, green, Green.Fraction);
    }
}
