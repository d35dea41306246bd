using CollapseLab.Random;

namespace CollapseLab.Families.Language;

/// <summary>
/// Refuses one token (a masked boundary; −1: none) and, under a green list, keeps a green token and a red one with
/// chance 1/boost: rejection from p then leaves draws ∝ p·boost^green. Without a list it keeps every other token.
/// </summary>
public readonly struct WatermarkFilter(int refused, GreenList? green, ulong seed, double boost) : IProposalFilter
{
    public bool Accept(int token, RandomStream rng) =>
        token != refused && (green is null || green.IsGreen(seed, token) || rng.NextDouble() * boost < 1);
}
