using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// One image's column matrix under a stride-1 "same" convolution (<see cref="ConvKernels.Im2Col"/>) as an implicit
/// GEMM operand: the GEMM packs its panels straight from the image instead of from a materialised copy. Row
/// r = (c,kh,kw), column j = (oh,ow) holds x[c, oh+kh−p, ow+kw−p], 0 outside the image: the plane of channel c read
/// at j + d, d = (kh−p)·W + kw−p, wherever the tap's mask is set. As op(b) it is (K, P), the operand of the forward
/// product and of the input gradient; transposed it is (P, K), the weight gradient's. The panels hold exactly the
/// floats the GEMM's own packing copies from the materialised matrix, so every product keeps its bits.
/// </summary>
internal sealed unsafe class ShiftColumns(ConvGeometry g, float* x, bool transposed) : IPanelSource
{
    /// <summary>Per geometry, (KH·KW, P) masks: all ones where tap (kh,kw) at output j reads inside the image.</summary>
    private static readonly ConcurrentDictionary<(int H, int W, int KH, int KW, int Padding), uint[]> MaskCache = new();

    private readonly uint[] _masks = MaskCache.GetOrAdd((g.H, g.W, g.KH, g.KW, g.Padding), BuildMasks);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(int depth0, int depth, int col0, int cols, float* dst, int nr)
    {
        fixed (uint* masks = _masks)
        {
            if (transposed)
            {
                PackTransposed(depth0, depth, col0, cols, dst, nr, masks);
            }
            else
            {
                PackRows(depth0, depth, col0, cols, dst, nr, masks);
            }
        }
    }

    // op(b) = col (K, P): row p of panel q is columns col0 + q·nr … of column-matrix row depth0 + p. Rows outside,
    // so that each row's channel and shift are found once.
    private void PackRows(int depth0, int depth, int col0, int cols, float* dst, int nr, uint* masks)
    {
        for (var p = 0; p < depth; p++)
        {
            var d = Row(depth0 + p, masks, out var plane, out var mask);
            var to = dst + (p * nr);
            for (var jr = 0; jr < cols; jr += nr, to += depth * nr)
            {
                var width = Math.Min(nr, cols - jr);
                CopyMasked(plane, mask, d, col0 + jr, width, to);
                new Span<float>(to + width, nr - width).Clear();
            }
        }
    }

    // op(b) = colᵀ (P, K): panel column x is column-matrix row col0 + jr + x read along the output positions
    // depth0 …; eight such rows at a time go through a scratch block and an 8 × 8 transpose into the panel.
    private void PackTransposed(int depth0, int depth, int col0, int cols, float* dst, int nr, uint* masks)
    {
        var rows = stackalloc float[8 * depth];
        for (var jr = 0; jr < cols; jr += nr, dst += depth * nr)
        {
            var width = Math.Min(nr, cols - jr);
            var x0 = 0;
            for (; Avx.IsSupported && x0 + 8 <= width; x0 += 8)
            {
                for (var e = 0; e < 8; e++)
                {
                    var d = Row(col0 + jr + x0 + e, masks, out var plane, out var mask);
                    CopyMasked(plane, mask, d, depth0, depth, rows + (e * depth));
                }

                var p0 = 0;
                for (; p0 + 8 <= depth; p0 += 8)
                {
                    var r = rows + p0;
                    ManagedGemm.Transpose8x8(r, r + depth, r + (2 * depth), r + (3 * depth), r + (4 * depth), r + (5 * depth),
                        r + (6 * depth), r + (7 * depth), Vector256<float>.One, dst + (p0 * nr) + x0, nr);
                }

                for (var e = 0; e < 8; e++)
                {
                    for (var p = p0; p < depth; p++)
                    {
                        dst[(p * nr) + x0 + e] = rows[(e * depth) + p];
                    }
                }
            }

            for (var x = x0; x < width; x++)
            {
                var d = Row(col0 + jr + x, masks, out var plane, out var mask);
                CopyMasked(plane, mask, d, depth0, depth, rows);
                for (var p = 0; p < depth; p++)
                {
                    dst[(p * nr) + x] = rows[p];
                }
            }

            for (var p = 0; p < depth && width < nr; p++)
            {
                new Span<float>(dst + (p * nr) + width, nr - width).Clear();
            }
        }
    }

    /// <summary>Column-matrix row (c,kh,kw): the plane of channel c, the tap's mask, and (returned) the shift d = (kh−p)·W + kw−p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Row(int row, uint* masks, out float* plane, out uint* mask)
    {
        var taps = g.KH * g.KW;
        var (c, tap) = (row / taps, row % taps);
        plane = x + ((long)c * g.H * g.W);
        mask = masks + ((long)tap * g.Plane);
        return (((tap / g.KW) - g.Padding) * g.W) + (tap % g.KW) - g.Padding;
    }

    /// <summary>to[i] = col[row, j0 + i] for i &lt; count: plane[j0 + i + d], and 0 where the mask is clear.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CopyMasked(float* plane, uint* mask, int d, int j0, int count, float* to)
    {
        mask += j0;
        var src = j0 + d;
        var size = g.H * g.W;
        var i = 0;
        // An AND with the mask writes the +0 that im2col clears to, and the vectors read only inside the plane.
        for (; i + 8 <= count; i += 8)
        {
            if (src + i >= 0 && src + i + 8 <= size)
            {
                Vector256.Store(Vector256.Load(plane + src + i) & Vector256.Load(mask + i).AsSingle(), to + i);
                continue;
            }

            for (var e = i; e < i + 8; e++)
            {
                to[e] = mask[e] != 0 ? plane[src + e] : 0f;
            }
        }

        for (; i < count; i++)
        {
            to[i] = mask[i] != 0 ? plane[src + i] : 0f;
        }
    }

    private static uint[] BuildMasks((int H, int W, int KH, int KW, int Padding) k)
    {
        var plane = k.H * k.W;
        var masks = new uint[k.KH * k.KW * plane];
        for (var kh = 0; kh < k.KH; kh++)
        {
            for (var kw = 0; kw < k.KW; kw++)
            {
                for (var j = 0; j < plane; j++)
                {
                    var inside = (uint)((j / k.W) + kh - k.Padding) < (uint)k.H && (uint)((j % k.W) + kw - k.Padding) < (uint)k.W;
                    masks[(((kh * k.KW) + kw) * plane) + j] = inside ? uint.MaxValue : 0u;
                }
            }
        }

        return masks;
    }
}
