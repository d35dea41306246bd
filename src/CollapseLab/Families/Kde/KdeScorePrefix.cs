using System.Runtime.InteropServices;

namespace CollapseLab.Families.Kde;

/// <summary>
/// The per-query running state (max and sum of the log-sum-exp, or the plain sum) of a KDE score after the first
/// <see cref="Centres"/> centres, a whole number of centre tiles. That state is a function of those centres, the
/// queries and the bandwidth only, so a later scorer whose centres begin with the same ones (the next generation
/// of an accumulating chain) resumes from it and gives the bits of a full pass, at the cost of the new tiles alone.
/// </summary>
internal sealed class KdeScorePrefix(double[] queries, double[] centresT, int stride, int centres, int dim, double[] inverseH, KdeKernel kernel)
{
    public double[] Queries { get; } = queries;

    /// <summary>The scorer's centres, scaled by 1/h, dimension-major with row stride <see cref="Stride"/>; never written.</summary>
    public double[] CentresT { get; } = centresT;

    public int Stride { get; } = stride;

    public int Centres { get; } = centres;

    public int Dim { get; } = dim;

    public double[] InverseH { get; } = inverseH;

    public KdeKernel Kernel { get; } = kernel;

    public double[] Max { get; } = new double[queries.Length / dim];

    public double[] Sum { get; } = new double[queries.Length / dim];

    /// <summary>Whether this state applies to a scorer over <paramref name="centresT"/> (stride n) and these queries, all compared bit for bit.</summary>
    public bool Fits(ReadOnlySpan<double> queries, double[] centresT, int n, int dim, double[] inverseH, KdeKernel kernel)
    {
        if (kernel != Kernel || dim != Dim || n < Centres || !Same(inverseH, InverseH) || !Same(queries, Queries))
        {
            return false;
        }
        for (var j = 0; j < dim; j++)
        {
            if (!Same(centresT.AsSpan(j * n, Centres), CentresT.AsSpan(j * Stride, Centres)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Same(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));
}

/// <summary>
/// A few <see cref="KdeScorePrefix"/> states per thread (a chain runs its generations on one thread), least recently
/// used first out, and bounded in the centres they keep alive. Only ever a shortcut: a state is used only when it fits
/// bit for bit.
/// </summary>
internal static class KdeScorePrefixes
{
    private const int Entries = 4;

    /// <summary>At most this many centre values (8 M doubles, 64 MiB) kept alive per thread.</summary>
    public const long RetainedValues = 8L << 20;

    [ThreadStatic]
    private static List<KdeScorePrefix>? _cache;

    /// <summary>The state covering the most centres that fits, or null; a hit moves to the front.</summary>
    public static KdeScorePrefix? Find(ReadOnlySpan<double> queries, double[] centresT, int n, int dim, double[] inverseH, KdeKernel kernel)
    {
        if (_cache is not { } cache)
        {
            return null;
        }
        KdeScorePrefix? best = null;
        foreach (var entry in cache)
        {
            if ((best is null || entry.Centres > best.Centres) && entry.Fits(queries, centresT, n, dim, inverseH, kernel))
            {
                best = entry;
            }
        }
        if (best is not null)
        {
            cache.Remove(best);
            cache.Insert(0, best);
        }
        return best;
    }

    /// <summary>Keeps a state (filled by the caller's pass), replacing <paramref name="superseded"/> if given.</summary>
    public static void Keep(KdeScorePrefix state, KdeScorePrefix? superseded)
    {
        var cache = _cache ??= [];
        if (superseded is not null)
        {
            cache.Remove(superseded);
        }
        cache.Insert(0, state);
        var retained = 0L;
        for (var i = 0; i < cache.Count; i++)
        {
            retained += cache[i].CentresT.Length;
            if (i >= Entries || retained > RetainedValues)
            {
                cache.RemoveRange(i, cache.Count - i);
                break;
            }
        }
    }
}
