using CollapseLab.Tensors;

namespace CollapseLab.Random;

/// <summary>
/// A xoshiro256** generator seeded from a <see cref="StreamKey"/>. Every random draw in a run comes from one of
/// these, derived from (seed, replicate, generation, purpose), so results never depend on thread scheduling.
/// Not thread-safe: one stream per task.
/// </summary>
public sealed class RandomStream
{
    private ulong _seed;
    private Xoshiro256 _state;
    private Xoshiro256x4 _lanes;
    private bool _lanesSeeded;

    public RandomStream(ulong seed) => Reseed(seed);

    /// <summary>Starts this stream over as if newly made from <paramref name="seed"/>.</summary>
    internal void Reseed(ulong seed)
    {
        _seed = seed;
        _state = new Xoshiro256(seed);
        _lanesSeeded = false;
    }

    public RandomStream(StreamKey key) : this(key.Hash) { }

    public ulong NextUInt64() => _state.Next();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _state.NextDouble();

    /// <summary>Uniform in (0, 1]: safe to take the logarithm of.</summary>
    public double NextDoubleOpenZero() => _state.NextDoubleOpenZero();

    /// <summary>A standard normal draw (ziggurat, 256 layers).</summary>
    public double NextNormal() => _state.NextNormal();

    /// <summary>
    /// destination[i] = mean + std · z_i with z_i standard normal, drawn four at a time from four lane generators
    /// of this stream (seeded on first use), so a fill is not the same as repeated <see cref="NextNormal"/> calls.
    /// </summary>
    public void FillNormal(Span<double> destination, double mean = 0, double std = 1)
    {
        if (!_lanesSeeded)
        {
            // The SplitMix sequence that seeded the scalar state, continued past its four words.
            var z = unchecked(_seed + 4 * 0x9E3779B97F4A7C15UL);
            _lanes = new Xoshiro256x4(ref z);
            _lanesSeeded = true;
        }
        var lanes = _lanes;
        var state = _state;
        ZigguratLanes.Fill(ref lanes, ref state, destination, mean, std);
        _lanes = lanes;
        _state = state;
    }

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var bound = (ulong)n;
        var m = (NextUInt64() >> 32) * bound;
        if ((uint)m < bound)
        {
            var threshold = (uint)(-(int)bound) % (uint)bound;
            while ((uint)m < threshold)
            {
                m = (NextUInt64() >> 32) * bound;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher–Yates).</summary>
    public int[] Permutation(int n) => Choose(n, n);

    /// <summary>
    /// k distinct indices from 0..n-1 in random order (partial Fisher–Yates). A small k from a large n (a fixed-size
    /// subsample of a growing set) keeps only the displaced entries, so it costs O(k) rather than O(n); both forms
    /// make the same draws and give the same indices.
    /// </summary>
    public int[] Choose(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        if (k < n / 8)
        {
            return ChooseSparse(n, k);
        }
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
        return k == n ? p : p.AsSpan(0, k).ToArray();
    }

    /// <summary>Partial Fisher–Yates over a virtual identity array: only positions moved by a swap are stored.</summary>
    private int[] ChooseSparse(int n, int k)
    {
        var moved = new Dictionary<int, int>(2 * k);
        var picked = new int[k];
        for (var i = 0; i < k; i++)
        {
            var j = i + NextInt(n - i);
            var atJ = moved.TryGetValue(j, out var vj) ? vj : j;
            var atI = moved.TryGetValue(i, out var vi) ? vi : i;
            picked[i] = atJ;
            moved[j] = atI;
        }
        return picked;
    }
}
