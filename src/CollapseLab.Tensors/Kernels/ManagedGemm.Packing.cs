using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Packing of the operands into the panel layouts the micro-kernel streams through. Packing a row-major a or a
/// transposed b is a transpose; with AVX it moves 8 x 8 blocks through registers instead of one float at a time.
/// </summary>
public sealed unsafe partial class ManagedGemm
{
    /// <summary>Floats the 8 x 8 path may write past a packed a block (it stores 8 lanes for a 6-float row).</summary>
    private const int PackSlack = 8;

    /// <summary>Packs rows [ic, ic+mc) and depth [pc, pc+kc) of alpha·op(a) as 6-row panels, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in Job job, int ic, int mc, int pc, int kc, float* dst)
    {
        var alpha = job.Alpha;
        for (var i0 = 0; i0 < mc; i0 += MR, dst += kc * MR)
        {
            var rows = Math.Min(MR, mc - i0);
            var p0 = 0;
            if (job.TransA)
            {
                // Row p of a holds depth p: each depth step is `rows` contiguous floats.
                var s = job.A + ((long)pc * job.Lda) + ic + i0;
                var scale = Vector128.Create(alpha);
                for (var p = 0; p < kc; p++, s += job.Lda)
                {
                    var d = dst + (p * MR);
                    if (rows == MR)
                    {
                        Vector128.Store(scale * Vector128.Load(s), d);
                        d[4] = alpha * s[4];
                        d[5] = alpha * s[5];
                        continue;
                    }

                    for (var x = 0; x < rows; x++)
                    {
                        d[x] = alpha * s[x];
                    }
                }
            }
            else
            {
                var s = job.A + ((long)(ic + i0) * job.Lda) + pc;
                if (Avx.IsSupported && rows == MR)
                {
                    // Rows 6 and 7 of each block are zero; each 8-lane store is overlapped by the next depth's.
                    var scale = Vector256.Create(alpha);
                    for (; p0 + 8 <= kc; p0 += 8)
                    {
                        var r = s + p0;
                        Transpose8x8(
                            r, r + job.Lda, r + (2L * job.Lda), r + (3L * job.Lda), r + (4L * job.Lda), r + (5L * job.Lda),
                            null, null, scale, dst + (p0 * MR), MR);
                    }
                }

                for (var x = 0; x < rows; x++, s += job.Lda)
                {
                    for (var p = p0; p < kc; p++)
                    {
                        dst[(p * MR) + x] = alpha * s[p];
                    }
                }
            }

            for (var x = rows; x < MR; x++)
            {
                for (var p = 0; p < kc; p++)
                {
                    dst[(p * MR) + x] = 0f;
                }
            }
        }
    }

    /// <summary>Packs columns [jc, jc+nc) and depth [pc, pc+kc) of op(b) as NR-column panels, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in Job job, int pc, int kc, int jc, int nc, float* dst)
    {
        var nr = NR;
        for (var jr = 0; jr < nc; jr += nr, dst += kc * nr)
        {
            var cols = Math.Min(nr, nc - jr);
            if (job.TransB)
            {
                // Row j of b holds column j of op(b): read it along depth, write it down the panel.
                var x0 = 0;
                var ld = (long)job.Ldb;
                for (; Avx.IsSupported && x0 + 8 <= cols; x0 += 8)
                {
                    var s = job.B + ((jc + jr + x0) * ld) + pc;
                    var p0 = 0;
                    for (; p0 + 8 <= kc; p0 += 8)
                    {
                        var r = s + p0;
                        Transpose8x8(r, r + ld, r + (2 * ld), r + (3 * ld), r + (4 * ld), r + (5 * ld), r + (6 * ld), r + (7 * ld),
                            Vector256<float>.One, dst + (p0 * nr) + x0, nr);
                    }

                    for (var x = x0; x < x0 + 8; x++)
                    {
                        for (var p = p0; p < kc; p++)
                        {
                            dst[(p * nr) + x] = s[((x - x0) * ld) + p];
                        }
                    }
                }

                for (var x = x0; x < cols; x++)
                {
                    var s = job.B + ((jc + jr + x) * ld) + pc;
                    for (var p = 0; p < kc; p++)
                    {
                        dst[(p * nr) + x] = s[p];
                    }
                }
            }
            else
            {
                var s = job.B + ((long)pc * job.Ldb) + jc + jr;
                for (var p = 0; p < kc; p++, s += job.Ldb)
                {
                    var d = dst + (p * nr);
                    if (cols == nr)
                    {
                        for (var x = 0; x < nr; x += 8)
                        {
                            Vector256.Store(Vector256.Load(s + x), d + x);
                        }
                    }
                    else
                    {
                        new Span<float>(s, cols).CopyTo(new Span<float>(d, cols));
                    }
                }
            }

            for (var p = 0; p < kc && cols < nr; p++)
            {
                new Span<float>(dst + (p * nr) + cols, nr - cols).Clear();
            }
        }
    }

    /// <summary>
    /// Writes scale·(r0[i], ..., r7[i]) to dst + i·stride for i = 0..7: an 8 x 8 transpose of 8 rows of 8 floats.
    /// A null row reads as zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* r0, float* r1, float* r2, float* r3, float* r4, float* r5, float* r6, float* r7,
        Vector256<float> scale, float* dst, int stride)
    {
        var t0 = Avx.UnpackLow(Avx.LoadVector256(r0), Avx.LoadVector256(r1));
        var t1 = Avx.UnpackHigh(Avx.LoadVector256(r0), Avx.LoadVector256(r1));
        var t2 = Avx.UnpackLow(Avx.LoadVector256(r2), Avx.LoadVector256(r3));
        var t3 = Avx.UnpackHigh(Avx.LoadVector256(r2), Avx.LoadVector256(r3));
        var t4 = Avx.UnpackLow(Avx.LoadVector256(r4), Avx.LoadVector256(r5));
        var t5 = Avx.UnpackHigh(Avx.LoadVector256(r4), Avx.LoadVector256(r5));
        var v6 = r6 == null ? Vector256<float>.Zero : Avx.LoadVector256(r6);
        var v7 = r7 == null ? Vector256<float>.Zero : Avx.LoadVector256(r7);
        var t6 = Avx.UnpackLow(v6, v7);
        var t7 = Avx.UnpackHigh(v6, v7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Multiply(scale, Avx.Permute2x128(s0, s4, 0x20)));
        Avx.Store(dst + stride, Avx.Multiply(scale, Avx.Permute2x128(s1, s5, 0x20)));
        Avx.Store(dst + (2 * stride), Avx.Multiply(scale, Avx.Permute2x128(s2, s6, 0x20)));
        Avx.Store(dst + (3 * stride), Avx.Multiply(scale, Avx.Permute2x128(s3, s7, 0x20)));
        Avx.Store(dst + (4 * stride), Avx.Multiply(scale, Avx.Permute2x128(s0, s4, 0x31)));
        Avx.Store(dst + (5 * stride), Avx.Multiply(scale, Avx.Permute2x128(s1, s5, 0x31)));
        Avx.Store(dst + (6 * stride), Avx.Multiply(scale, Avx.Permute2x128(s2, s6, 0x31)));
        Avx.Store(dst + (7 * stride), Avx.Multiply(scale, Avx.Permute2x128(s3, s7, 0x31)));
    }
}
