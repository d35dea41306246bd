using CollapseLab.Specs;

namespace CollapseLab.Families.Language;

/// <summary>
/// The watermark of Kirchenbauer et al. 2023 (spec <c>model.sampling.watermark</c>): before any other transform, δ is
/// added to the logits of a green list of ⌊γ·V⌋ tokens chosen by a keyed hash of the <see cref="Window"/> previous
/// tokens. Tokens with fewer than <see cref="Window"/> tokens before them are drawn unbiased, and are not scored.
/// </summary>
public sealed record Watermark(double Gamma, double Delta, ulong Key, int Window)
{
    public const ulong DefaultKey = 15485863;

    /// <summary>The last generation whose samples carry the watermark (null: all), for radioactivity: later generations sample unbiased.</summary>
    public int? Until { get; init; }

    /// <summary>Whether generation <paramref name="generation"/>'s samples are watermarked.</summary>
    public bool MarksGeneration(int generation) => Until is not { } last || generation <= last;

    public static Watermark Read(SpecReader s)
    {
        var delta = s.Double("delta", 2.0, min: 0);
        var until = s.OptionalInt("until", min: 0);
        return ReadKey(s, delta) with { Until = until };
    }

    /// <summary>The keys a detector needs (gamma, key, window), with the bias <paramref name="delta"/> given.</summary>
    public static Watermark ReadKey(SpecReader s, double delta)
    {
        var gamma = s.Double("gamma", 0.25, min: 0, max: 1, exclusiveMin: true);
        if (gamma >= 1)
        {
            throw s.Error("gamma", $"the green share γ must be between 0 and 1 (exclusive), got {gamma:R}; 0.25 is the paper's choice.");
        }
        var key = s.ULong("key", DefaultKey);
        var window = s.Int("window", 1, min: 1, max: 64);
        return new Watermark(gamma, delta, key, window);
    }

    public string Describe() => $"watermark γ={Gamma:G4} δ={Delta:G4} window {Window}" + (Until is { } u ? $" until generation {u}" : "");
}
