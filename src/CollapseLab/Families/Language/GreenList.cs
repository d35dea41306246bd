using CollapseLab.Random;

namespace CollapseLab.Families.Language;

/// <summary>
/// Which tokens are green after a context: token t is green when π_s(t) &lt; ⌊γ·V⌋, with π_s a permutation of
/// [0, V) keyed by the context seed s. The permutation is a 4-round Feistel network on the smallest even number of
/// bits covering V, cycle-walked back into [0, V), so every context has exactly <see cref="Size"/> green tokens and
/// membership costs a few hashes, with no per-context list. The size is kept within [1, V − 1] so that the z-test
/// never divides by zero on a tiny vocabulary.
/// </summary>
public sealed class GreenList
{
    private const int Rounds = 4;
    private readonly int _half;
    private readonly uint _mask;
    private readonly ulong _keySeed;

    public GreenList(Watermark watermark, int vocabularySize)
    {
        if (vocabularySize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), "a watermark needs at least two tokens.");
        }
        Watermark = watermark;
        VocabularySize = vocabularySize;
        Size = Math.Clamp((int)Math.Floor(watermark.Gamma * vocabularySize), 1, vocabularySize - 1);
        var bits = 2;
        while ((1L << bits) < vocabularySize)
        {
            bits += 2;
        }
        _half = bits / 2;
        _mask = (1u << _half) - 1;
        _keySeed = SplitMix.Mix(watermark.Key ^ 0x477265656E4C6973UL);
    }

    public Watermark Watermark { get; }

    public int VocabularySize { get; }

    public int Window => Watermark.Window;

    /// <summary>Green tokens per context: ⌊γ·V⌋ (clamped to [1, V − 1]).</summary>
    public int Size { get; }

    /// <summary>γ' = Size / V, the exact chance that a token independent of the key is green (the z-test's γ).</summary>
    public double Fraction => (double)Size / VocabularySize;

    /// <summary>The seed of the green list after <paramref name="context"/>'s last <see cref="Window"/> tokens (it must hold that many).</summary>
    public ulong Seed(ReadOnlySpan<int> context)
    {
        var h = _keySeed;
        foreach (var t in context[^Window..])
        {
            h = SplitMix.Combine(h, (ulong)(uint)t);
        }
        return h;
    }

    public bool IsGreen(ulong seed, int token) => Permute(seed, (uint)token) < (uint)Size;

    /// <summary>π_s(x): Feistel rounds on (high, low) halves, repeated while the result falls outside [0, V).</summary>
    private uint Permute(ulong seed, uint x)
    {
        do
        {
            var left = x >> _half;
            var right = x & _mask;
            for (var r = 0; r < Rounds; r++)
            {
                var f = (uint)SplitMix.Mix(seed + ((ulong)r << 32) + right) & _mask;
                (left, right) = (right, left ^ f);
            }
            x = (left << _half) | right;
        }
        while (x >= (uint)VocabularySize);
        return x;
    }
}
