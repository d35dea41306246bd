using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Random;

/// <summary>
/// Four independent xoshiro256** generators stepped together, one per 64-bit lane. The multiplies by 5 and 9 are
/// shifts and adds, so the step needs only AVX2 (or any 256-bit SIMD) and gives the same bits on every machine.
/// </summary>
internal struct Xoshiro256x4
{
    private Vector256<ulong> _s0, _s1, _s2, _s3;

    /// <summary>Seeds the lanes with 16 further SplitMix64 words, so each lane's state is never all zero.</summary>
    public Xoshiro256x4(ref ulong splitMix)
    {
        _s0 = Words(ref splitMix);
        _s1 = Words(ref splitMix);
        _s2 = Words(ref splitMix);
        _s3 = Words(ref splitMix);
    }

    private static Vector256<ulong> Words(ref ulong z) =>
        Vector256.Create(SplitMix.Next(ref z), SplitMix.Next(ref z), SplitMix.Next(ref z), SplitMix.Next(ref z));

    /// <summary>Moves the state into locals (registers) for a fill loop, and back.</summary>
    public readonly void Load(out Vector256<ulong> s0, out Vector256<ulong> s1, out Vector256<ulong> s2, out Vector256<ulong> s3) =>
        (s0, s1, s2, s3) = (_s0, _s1, _s2, _s3);

    public void Store(Vector256<ulong> s0, Vector256<ulong> s1, Vector256<ulong> s2, Vector256<ulong> s3) =>
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    /// <summary>One xoshiro256** step of all four lanes; returns their outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Step(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3)
    {
        var times5 = (s1 << 2) + s1;
        var rotated = (times5 << 7) | (times5 >>> 57);
        var result = (rotated << 3) + rotated;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >>> 19);
        return result;
    }
}
