using System.Runtime.CompilerServices;

namespace CollapseLab.Random;

/// <summary>SplitMix64: the standard mixer for seeding and for hashing stream keys.</summary>
internal static class SplitMix
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Absorbs one more word into a running hash; order matters, so (a, b) ≠ (b, a).</summary>
    public static ulong Combine(ulong hash, ulong word) => Mix(hash ^ Mix(word + 0x9E3779B97F4A7C15UL));
}
