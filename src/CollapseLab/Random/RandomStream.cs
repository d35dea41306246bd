using System.Numerics;
using System.Runtime.CompilerServices;

namespace CollapseLab.Random;

/// <summary>
/// A xoshiro256** generator seeded from a <see cref="StreamKey"/>. Every random draw in a run comes from one of
/// these, derived from (seed, replicate, generation, purpose), so results never depend on thread scheduling.
/// Not thread-safe: one stream per task.
/// </summary>
public sealed class RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    public RandomStream(ulong seed)
    {
        // SplitMix64 expands one 64-bit seed into a full, never all-zero, state.
        var z = seed;
        _s0 = SplitMix.Next(ref z);
        _s1 = SplitMix.Next(ref z);
        _s2 = SplitMix.Next(ref z);
        _s3 = SplitMix.Next(ref z);
    }

    public RandomStream(StreamKey key) : this(key.Hash) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
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

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1]: safe to take the logarithm of.</summary>
    public double NextDoubleOpenZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var bound = (ulong)n;
        var x = NextUInt64() >> 32;
        var m = x * bound;
        var low = (uint)m;
        if (low < bound)
        {
            var threshold = (uint)(-(int)bound) % (uint)bound;
            while (low < threshold)
            {
                x = NextUInt64() >> 32;
                m = x * bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>A standard normal draw (ziggurat, 256 layers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal()
    {
        var bits = NextUInt64();
        var i = (int)(bits & 0xFF);
        // 53 high bits give u uniform in (-1, 1).
        var u = ((long)(bits >> 11) - (1L << 52) + 0.5) * (1.0 / (1L << 52));
        if (Math.Abs(u) < Ziggurat.Ratio[i])
        {
            return u * Ziggurat.X[i];
        }
        return Ziggurat.Slow(this, i, u);
    }

    /// <summary>destination[i] = mean + std · z_i with z_i standard normal.</summary>
    public void FillNormal(Span<double> destination, double mean = 0, double std = 1)
    {
        for (var k = 0; k < destination.Length; k++)
        {
            destination[k] = mean + std * NextNormal();
        }
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = i;
        }
        for (var i = n - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>k distinct indices from 0..n-1, uniformly (partial Fisher–Yates; O(n) memory).</summary>
    public int[] Choose(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        var p = new int[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = i;
        }
        for (var i = 0; i < k; i++)
        {
            var j = i + NextInt(n - i);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p.AsSpan(0, k).ToArray();
    }
}
