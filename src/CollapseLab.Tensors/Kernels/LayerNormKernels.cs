using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Layer norm over the last axis with a hand-written backward pass; mean and rstd are named outputs. Rows are
/// processed in pieces of <see cref="RowsPerPiece"/> in parallel; the weight and bias gradients are summed per piece
/// and the pieces added in order, so the result does not depend on the thread count.
/// </summary>
internal static class LayerNormKernels
{
    private const int RowsPerPiece = 64;

    /// <summary>
    /// For each row r of x (N,C): mean[r], rstd[r] = 1/√(var + eps) with the biased variance, and
    /// y = (x − mean)·rstd·weight + bias.
    /// </summary>
    public static void Forward(float[] x, int xOffset, float[] weight, int wOffset, float[] bias, int bOffset,
        float[] y, int yOffset, float[] mean, float[] rstd, int c, float eps)
    {
        var rows = mean.Length;
        Parallelism.For(Parallelism.Pieces(rows, RowsPerPiece), (long)RowsPerPiece * c, piece =>
        {
            var w = weight.AsSpan(wOffset, c);
            var b = bias.AsSpan(bOffset, c);
            for (var r = piece * RowsPerPiece; r < Math.Min(rows, (piece + 1) * RowsPerPiece); r++)
            {
                var xr = x.AsSpan(xOffset + (r * c), c);
                var yr = y.AsSpan(yOffset + (r * c), c);
                var m = Simd.Sum(xr) / c;
                var s = 1f / MathF.Sqrt((SumSquaredDeviation(xr, m) / c) + eps);
                Normalise(xr, m, s, w, b, yr);
                mean[r] = m;
                rstd[r] = s;
            }
        });
    }

    /// <summary>
    /// Given dy, adds into dx, dweight, dbias (any may be empty when not needed). With n = (x − mean)·rstd and
    /// dn = dy·weight: dx = rstd·(dn − mean(dn) − n·mean(dn·n)), dweight = Σ_rows dy·n, dbias = Σ_rows dy.
    /// </summary>
    public static void Backward(float[] x, int xOffset, float[] weight, int wOffset, float[] mean, float[] rstd,
        float[] dy, int dyOffset, float[]? dx, int dxOffset, Span<float> dweight, Span<float> dbias, int c)
    {
        var rows = mean.Length;
        var pieces = Parallelism.Pieces(rows, RowsPerPiece);
        var needParams = !dweight.IsEmpty || !dbias.IsEmpty;
        // partial[piece] holds that piece's (dweight, dbias), 2C floats
        var partial = needParams ? new float[pieces * 2 * c] : [];
        Parallelism.For(pieces, (long)RowsPerPiece * c * 2, piece =>
        {
            var w = weight.AsSpan(wOffset, c);
            var n = new float[c];
            var pw = needParams ? partial.AsSpan(piece * 2 * c, c) : default;
            var pb = needParams ? partial.AsSpan((piece * 2 * c) + c, c) : default;
            for (var r = piece * RowsPerPiece; r < Math.Min(rows, (piece + 1) * RowsPerPiece); r++)
            {
                var dyr = dy.AsSpan(dyOffset + (r * c), c);
                // n = (x − mean)·rstd, the normalised input of the forward line
                Normalise(x.AsSpan(xOffset + (r * c), c), mean[r], rstd[r], n);
                if (needParams)
                {
                    Simd.AddTo(dyr, pb);
                    AccumulateProduct(dyr, n, pw);
                }

                if (dx is not null)
                {
                    // dn = dy·w; dx += rstd·(dn − mean(dn) − n·mean(dn·n))
                    var (sumDn, sumDnN) = Sums(dyr, w, n);
                    InputGradient(dyr, w, n, sumDn / c, sumDnN / c, rstd[r], dx.AsSpan(dxOffset + (r * c), c));
                }
            }
        });

        for (var piece = 0; piece < pieces && needParams; piece++)
        {
            if (!dweight.IsEmpty)
            {
                Simd.AddTo(partial.AsSpan(piece * 2 * c, c), dweight);
            }

            if (!dbias.IsEmpty)
            {
                Simd.AddTo(partial.AsSpan((piece * 2 * c) + c, c), dbias);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumSquaredDeviation(ReadOnlySpan<float> x, float mean)
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        var vm = Vector256.Create(mean);
        var acc = Vector256<float>.Zero;
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            var d = Vector256.LoadUnsafe(ref px, (nuint)i) - vm;
            acc = Vector256.FusedMultiplyAdd(d, d, acc);
        }

        var s = Vector256.Sum(acc);
        for (; i < x.Length; i++)
        {
            var d = Unsafe.Add(ref px, i) - mean;
            s += d * d;
        }

        return s;
    }

    /// <summary>y = (x − mean)·rstd·w + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalise(ReadOnlySpan<float> x, float mean, float rstd, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y)
    {
        var (vm, vr) = (Vector256.Create(mean), Vector256.Create(rstd));
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            var n = (Vector256.Create(x.Slice(i, 8)) - vm) * vr;
            Vector256.FusedMultiplyAdd(n, Vector256.Create(w.Slice(i, 8)), Vector256.Create(b.Slice(i, 8))).CopyTo(y.Slice(i, 8));
        }

        for (; i < x.Length; i++)
        {
            y[i] = ((x[i] - mean) * rstd * w[i]) + b[i];
        }
    }

    /// <summary>n = (x − mean)·rstd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalise(ReadOnlySpan<float> x, float mean, float rstd, Span<float> n)
    {
        var (vm, vr) = (Vector256.Create(mean), Vector256.Create(rstd));
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            ((Vector256.Create(x.Slice(i, 8)) - vm) * vr).CopyTo(n.Slice(i, 8));
        }

        for (; i < x.Length; i++)
        {
            n[i] = (x[i] - mean) * rstd;
        }
    }

    /// <summary>acc += x·y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateProduct(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> acc)
    {
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            Vector256.FusedMultiplyAdd(Vector256.Create(x.Slice(i, 8)), Vector256.Create(y.Slice(i, 8)), Vector256.Create(acc.Slice(i, 8)))
                .CopyTo(acc.Slice(i, 8));
        }

        for (; i < x.Length; i++)
        {
            acc[i] += x[i] * y[i];
        }
    }

    /// <summary>(Σ dy·w, Σ dy·w·n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float SumDn, float SumDnN) Sums(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, ReadOnlySpan<float> n)
    {
        var (a, b) = (Vector256<float>.Zero, Vector256<float>.Zero);
        var i = 0;
        for (; i + 8 <= dy.Length; i += 8)
        {
            var dn = Vector256.Create(dy.Slice(i, 8)) * Vector256.Create(w.Slice(i, 8));
            a += dn;
            b = Vector256.FusedMultiplyAdd(dn, Vector256.Create(n.Slice(i, 8)), b);
        }

        var (sa, sb) = (Vector256.Sum(a), Vector256.Sum(b));
        for (; i < dy.Length; i++)
        {
            var dn = dy[i] * w[i];
            sa += dn;
            sb += dn * n[i];
        }

        return (sa, sb);
    }

    /// <summary>dx += rstd·(dy·w − meanDn − n·meanDnN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, ReadOnlySpan<float> n,
        float meanDn, float meanDnN, float rstd, Span<float> dx)
    {
        var (vm, vmn, vr) = (Vector256.Create(meanDn), Vector256.Create(meanDnN), Vector256.Create(rstd));
        var i = 0;
        for (; i + 8 <= dy.Length; i += 8)
        {
            var dn = Vector256.Create(dy.Slice(i, 8)) * Vector256.Create(w.Slice(i, 8));
            var t = dn - vm - (Vector256.Create(n.Slice(i, 8)) * vmn);
            Vector256.FusedMultiplyAdd(t, vr, Vector256.Create(dx.Slice(i, 8))).CopyTo(dx.Slice(i, 8));
        }

        for (; i < dy.Length; i++)
        {
            dx[i] += rstd * ((dy[i] * w[i]) - meanDn - (n[i] * meanDnN));
        }
    }
}
