using System.Numerics;
using System.Runtime.CompilerServices;

namespace CollapseLab.Random;

/// <summary>
/// The xoshiro256** state and step, as a four-field struct so that a fill loop holding it in a local keeps it in
/// registers. <see cref="RandomStream"/> is the public face.
/// </summary>
internal struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256(ulong seed)
    {
        // SplitMix64 expands one 64-bit seed into a full, never all-zero, state.
        var z = seed;
        _s0 = SplitMix.Next(ref z);
        _s1 = SplitMix.Next(ref z);
        _s2 = SplitMix.Next(ref z);
        _s3 = SplitMix.Next(ref z);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleOpenZero() => ((Next() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A standard normal draw (ziggurat, 256 layers): one comparison and one multiply about 99% of the time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal()
    {
        var bits = Next();
        var i = (int)(bits & 0xFF);
        var u = Ziggurat.Signed(bits);
        ref var ratio = ref Unsafe.Add(ref Ziggurat.RatioStart, i);
        return Math.Abs(u) < ratio ? u * Unsafe.Add(ref Ziggurat.XStart, i) : Ziggurat.Slow(ref this, i, u);
    }
}
