using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollapseLab.Data;
using CollapseLab.Numerics;

namespace CollapseLab.Families.Kde;

/// <summary>
/// Exact KDE log-densities, log p(q) = LogNorm + log Σᵢ K(‖(q − xᵢ)/h‖), by brute force over all centres.
/// The centres are stored scaled by 1/h and transposed (dimension-major) so that the squared distances of one
/// query to a run of centres are a SIMD loop over contiguous memory. Work is tiled: a tile of centres stays in cache
/// while a tile of queries passes over it; the Gaussian sum is kept as a running log-sum-exp (max m, sum s of
/// exp(·−m)) per query, so nothing overflows or underflows early. Query tiles run in parallel; every query is summed
/// over the same centre tiles in the same order, so the bits do not depend on the thread count or the tiling of queries.
/// The state after the last whole centre tile is kept (<see cref="KdeScorePrefixes"/>), so that scoring the same
/// queries against centres that begin with these (an accumulating chain's next generation) costs only the new tiles.
/// </summary>
internal sealed class KdeScorer
{
    /// <summary>Queries per parallel work item.</summary>
    private const int QueryTile = 32;

    /// <summary>
    /// Below this, exp(v − m) is 0 in float64 (e^−745 is the smallest subnormal), so a centre tile whose largest term
    /// is this far under the running max adds exactly nothing and is skipped.
    /// </summary>
    private const double Underflow = -746;

    /// <summary>The lowest argument the vector exp takes on its polynomial path (e^−708 ≈ 3.3e−308, normal).</summary>
    private const double ExpFastFloor = -VectorExp.Limit;

    private readonly double[] _centresT;
    private readonly double[] _inverseH;
    private readonly int _n;
    private readonly int _d;
    private readonly int _pointTile;
    private readonly KdeKernel _kernel;
    private readonly double _logNorm;

    public KdeScorer(RowBatch centres, double[] bandwidth, KdeKernel kernel, double logNorm)
    {
        _n = centres.Count;
        _d = centres.Dim;
        _kernel = kernel;
        _logNorm = logNorm;
        _inverseH = bandwidth.Select(h => 1 / h).ToArray();
        _centresT = new double[_n * _d];
        var x = centres.Span;
        for (var i = 0; i < _n; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                _centresT[j * _n + i] = x[i * _d + j] * _inverseH[j];
            }
        }
        // A tile of all d coordinates of this many centres is about 32 KiB (L1), and at least 64 centres long.
        _pointTile = Math.Clamp(4096 / _d, 64, 2048) & ~3;
    }

    /// <summary>Below this many queries a pass is too cheap for <see cref="KdeScorePrefixes"/> to pay (comparing the centres costs a pass of one query).</summary>
    private const int ResumableQueries = 64;

    /// <summary>destination[k] = log p(row k of <paramref name="queries"/>) for row-major queries of dimension d.</summary>
    public void Score(ReadOnlySpan<double> queries, Span<double> destination, int threads)
    {
        var count = destination.Length;
        var tiles = (count + QueryTile - 1) / QueryTile;
        var (from, keep) = Resumption(queries[..(count * _d)]);
        if (threads <= 1 || tiles <= 1)
        {
            var work = new Workspace(_pointTile, _d);
            for (var t = 0; t < tiles; t++)
            {
                ScoreTile(queries, destination, t, work, from, keep);
            }
        }
        else
        {
            // Spans cannot cross into the parallel lambda; copy into arrays once.
            var q = queries.ToArray();
            var result = new double[count];
            Parallel.For(0, tiles, new ParallelOptions { MaxDegreeOfParallelism = threads },
                () => new Workspace(_pointTile, _d),
                (t, _, work) =>
                {
                    ScoreTile(q, result, t, work, from, keep);
                    return work;
                },
                _ => { });
            result.CopyTo(destination);
        }
        if (keep is not null)
        {
            KdeScorePrefixes.Keep(keep, from);
        }
    }

    /// <summary>
    /// A kept state to start from (null: from the first centre), and a new one to fill at this scorer's last whole
    /// centre tile (null: none worth keeping, or the one found already ends there).
    /// </summary>
    private (KdeScorePrefix? From, KdeScorePrefix? Keep) Resumption(ReadOnlySpan<double> queries)
    {
        var whole = _n / _pointTile * _pointTile;
        if (queries.Length < ResumableQueries * _d || whole == 0 || _centresT.Length > KdeScorePrefixes.RetainedValues)
        {
            return (null, null);
        }
        var from = KdeScorePrefixes.Find(queries, _centresT, _n, _d, _inverseH, _kernel);
        var keep = from is not null && from.Centres == whole
            ? null
            : new KdeScorePrefix(queries.ToArray(), _centresT, _n, whole, _d, _inverseH, _kernel);
        return (from, keep);
    }

    private sealed class Workspace(int pointTile, int d)
    {
        public readonly double[] Distances = new double[pointTile];
        public readonly double[] Terms = new double[pointTile];
        public readonly double[] Query = new double[QueryTile * d];
        public readonly double[] Max = new double[QueryTile];
        public readonly double[] Sum = new double[QueryTile];
    }

    private void ScoreTile(ReadOnlySpan<double> queries, Span<double> destination, int tile, Workspace work, KdeScorePrefix? from, KdeScorePrefix? keep)
    {
        var d = _d;
        var first = tile * QueryTile;
        var rows = Math.Min(QueryTile, destination.Length - first);
        var q = work.Query;
        for (var k = 0; k < rows; k++)
        {
            for (var j = 0; j < d; j++)
            {
                q[k * d + j] = queries[(first + k) * d + j] * _inverseH[j];
            }
        }
        var start = 0;
        if (from is null)
        {
            Array.Fill(work.Max, double.NegativeInfinity);
            Array.Clear(work.Sum);
        }
        else
        {
            from.Max.AsSpan(first, rows).CopyTo(work.Max);
            from.Sum.AsSpan(first, rows).CopyTo(work.Sum);
            start = from.Centres;
        }
        for (var p0 = start; ; p0 += _pointTile)
        {
            if (keep is not null && p0 == keep.Centres)
            {
                work.Max.AsSpan(0, rows).CopyTo(keep.Max.AsSpan(first));
                work.Sum.AsSpan(0, rows).CopyTo(keep.Sum.AsSpan(first));
            }
            if (p0 >= _n)
            {
                break;
            }
            var length = Math.Min(_pointTile, _n - p0);
            var d2 = work.Distances.AsSpan(0, length);
            var terms = work.Terms.AsSpan(0, length);
            for (var k = 0; k < rows; k++)
            {
                var nearest = SquaredDistances(q.AsSpan(k * d, d), p0, d2, _kernel == KdeKernel.Gaussian ? -0.5 : 1);
                switch (_kernel)
                {
                    case KdeKernel.Gaussian:
                        var tileMax = -0.5 * nearest;
                        var m = work.Max[k];
                        if (tileMax - m < Underflow)
                        {
                            break;
                        }
                        if (tileMax > m)
                        {
                            work.Sum[k] *= Math.Exp(m - tileMax);
                            work.Max[k] = m = tileMax;
                        }
                        // d2 holds −u²/2 here; terms = exp(−u²/2 − m). TensorPrimitives.Exp drops to a scalar path
                        // ~30× slower for arguments below about −708, which a spread-out chain hits for most centres;
                        // clamping there adds at most 3.3e−308 a term to a total that is ≥ 1: a log-density can move
                        // in its last bit, rarely (1 of 20,385 test_nll values in kazdan-kde, docs/benchmarks.md).
                        ShiftedExp(d2, m, terms);
                        work.Sum[k] += TensorPrimitives.Sum(terms);
                        break;
                    case KdeKernel.Tophat:
                        work.Sum[k] += CountInside(d2);
                        break;
                    default:
                        work.Sum[k] += SumEpanechnikov(d2);
                        break;
                }
            }
        }
        for (var k = 0; k < rows; k++)
        {
            var logSum = _kernel == KdeKernel.Gaussian ? work.Max[k] + Math.Log(work.Sum[k]) : Math.Log(work.Sum[k]);
            destination[first + k] = _logNorm + logSum;
        }
    }

    /// <summary>
    /// d2[i] = scale · Σⱼ (cⱼ[p0+i] − qⱼ)² for the centre tile starting at p0; returns the smallest unscaled sum. Vector512,
    /// then Vector256, then a scalar tail (each element's sum runs over j in the same order, so the width changes no bit):
    /// TensorPrimitives has no fused "subtract a scalar, square, accumulate over d arrays" and d passes over the tile
    /// would triple its memory traffic.
    /// </summary>
    private double SquaredDistances(ReadOnlySpan<double> q, int p0, Span<double> d2, double scale)
    {
        ref var centres = ref MemoryMarshal.GetArrayDataReference(_centresT);
        ref var destination = ref MemoryMarshal.GetReference(d2);
        var n = _n;
        var length = d2.Length;
        var i = 0;
        var min = double.PositiveInfinity;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<double>.Count)
        {
            var vmin = Vector512.Create(double.PositiveInfinity);
            var vscale = Vector512.Create(scale);
            for (; i <= length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                var acc = Vector512<double>.Zero;
                for (var j = 0; j < q.Length; j++)
                {
                    var diff = Vector512.LoadUnsafe(ref centres, (nuint)(j * n + p0 + i)) - Vector512.Create(q[j]);
                    acc = Vector512.FusedMultiplyAdd(diff, diff, acc);
                }
                (acc * vscale).StoreUnsafe(ref destination, (nuint)i);
                vmin = Vector512.Min(vmin, acc);
            }
            for (var lane = 0; lane < Vector512<double>.Count; lane++)
            {
                min = Math.Min(min, vmin[lane]);
            }
        }
        if (Vector256.IsHardwareAccelerated && length - i >= Vector256<double>.Count)
        {
            var vmin = Vector256.Create(double.PositiveInfinity);
            var vscale = Vector256.Create(scale);
            for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var acc = Vector256<double>.Zero;
                for (var j = 0; j < q.Length; j++)
                {
                    var diff = Vector256.LoadUnsafe(ref centres, (nuint)(j * n + p0 + i)) - Vector256.Create(q[j]);
                    acc = Vector256.FusedMultiplyAdd(diff, diff, acc);
                }
                (acc * vscale).StoreUnsafe(ref destination, (nuint)i);
                vmin = Vector256.Min(vmin, acc);
            }
            for (var lane = 0; lane < Vector256<double>.Count; lane++)
            {
                min = Math.Min(min, vmin[lane]);
            }
        }
        for (; i < length; i++)
        {
            var acc = 0.0;
            for (var j = 0; j < q.Length; j++)
            {
                var diff = Unsafe.Add(ref centres, j * n + p0 + i) - q[j];
                acc = Math.FusedMultiplyAdd(diff, diff, acc);
            }
            Unsafe.Add(ref destination, i) = scale * acc;
            min = Math.Min(min, acc);
        }
        return min;
    }

    /// <summary>
    /// terms[i] = exp(max(v[i] − m, −708)) in one pass instead of three, with the exp inlined (<see cref="VectorExp"/>: the
    /// bits of TensorPrimitives.Exp, element by element); a tail overlaps the last whole vector, as TensorPrimitives does.
    /// Runs shorter than a vector keep the TensorPrimitives calls, whose scalar path differs in the last bit.
    /// </summary>
    private static void ShiftedExp(ReadOnlySpan<double> v, double m, Span<double> terms)
    {
        var length = v.Length;
        ref var source = ref MemoryMarshal.GetReference(v);
        ref var destination = ref MemoryMarshal.GetReference(terms);
        if (Vector512.IsHardwareAccelerated && length >= Vector512<double>.Count)
        {
            var shift = Vector512.Create(m);
            var floor = Vector512.Create(ExpFastFloor);
            var last = (nuint)(length - Vector512<double>.Count);
            for (nuint i = 0; ; i += (nuint)Vector512<double>.Count)
            {
                var at = Math.Min(i, last);
                VectorExp.Exp(Vector512.Max(Vector512.LoadUnsafe(ref source, at) - shift, floor)).StoreUnsafe(ref destination, at);
                if (at == last)
                {
                    return;
                }
            }
        }
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var shift = Vector256.Create(m);
            var floor = Vector256.Create(ExpFastFloor);
            var last = (nuint)(length - Vector256<double>.Count);
            for (nuint i = 0; ; i += (nuint)Vector256<double>.Count)
            {
                var at = Math.Min(i, last);
                VectorExp.Exp(Vector256.Max(Vector256.LoadUnsafe(ref source, at) - shift, floor)).StoreUnsafe(ref destination, at);
                if (at == last)
                {
                    return;
                }
            }
        }
        TensorPrimitives.Subtract(v, m, terms);
        TensorPrimitives.Max(terms, ExpFastFloor, terms);
        TensorPrimitives.Exp(terms, terms);
    }

    /// <summary>Number of centres strictly inside the unit ball (u² &lt; 1).</summary>
    private static double CountInside(ReadOnlySpan<double> d2)
    {
        var count = 0;
        foreach (var v in d2)
        {
            count += v < 1 ? 1 : 0;
        }
        return count;
    }

    /// <summary>Σ max(1 − u², 0).</summary>
    private static double SumEpanechnikov(ReadOnlySpan<double> d2)
    {
        var s = 0.0;
        foreach (var v in d2)
        {
            s += v < 1 ? 1 - v : 0;
        }
        return s;
    }
}
