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
                var xr = x.AsSpan(xOffset + (r * c), c);
                for (var i = 0; i < c; i++)
                {
                    n[i] = (xr[i] - mean[r]) * rstd[r];
                }

                if (needParams)
                {
                    Simd.AddTo(dyr, pb);
                    Accumulate(dyr, n, pw);
                }

                if (dx is not null)
                {
                    // dn = dy·w; dx += rstd·(dn − mean(dn) − n·mean(dn·n))
                    var sumDn = 0f;
                    var sumDnN = 0f;
                    for (var i = 0; i < c; i++)
                    {
                        var dn = dyr[i] * w[i];
                        sumDn += dn;
                        sumDnN += dn * n[i];
                    }

                    var meanDn = sumDn / c;
                    var meanDnN = sumDnN / c;
                    var dxr = dx.AsSpan(dxOffset + (r * c), c);
                    for (var i = 0; i < c; i++)
                    {
                        dxr[i] += rstd[r] * ((dyr[i] * w[i]) - meanDn - (n[i] * meanDnN));
                    }
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
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = ((x[i] - mean) * rstd * w[i]) + b[i];
        }
    }

    /// <summary>acc += x·y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> acc)
    {
        for (var i = 0; i < x.Length; i++)
        {
            acc[i] += x[i] * y[i];
        }
    }
}
