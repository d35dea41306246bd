using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>Packing of the operands into the panel layouts the micro-kernel streams through.</summary>
public sealed unsafe partial class ManagedGemm
{
    /// <summary>Packs rows [ic, ic+mc) and depth [pc, pc+kc) of alpha·op(a) as 6-row panels, zero-padded.</summary>
    private static void PackA(in Job job, int ic, int mc, int pc, int kc, float* dst)
    {
        var alpha = job.Alpha;
        for (var i0 = 0; i0 < mc; i0 += MR)
        {
            var rows = Math.Min(MR, mc - i0);
            if (job.TransA)
            {
                // Row p of a holds depth p: each depth step is `rows` contiguous floats.
                var s = job.A + ((long)pc * job.Lda) + ic + i0;
                for (var p = 0; p < kc; p++, s += job.Lda)
                {
                    for (var x = 0; x < rows; x++)
                    {
                        dst[(p * MR) + x] = alpha * s[x];
                    }
                }
            }
            else
            {
                for (var x = 0; x < rows; x++)
                {
                    var s = job.A + ((long)(ic + i0 + x) * job.Lda) + pc;
                    for (var p = 0; p < kc; p++)
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

            dst += kc * MR;
        }
    }

    /// <summary>Packs columns [jc, jc+nc) and depth [pc, pc+kc) of op(b) as NR-column panels, zero-padded.</summary>
    private static void PackB(in Job job, int pc, int kc, int jc, int nc, float* dst)
    {
        var nr = NR;
        for (var jr = 0; jr < nc; jr += nr, dst += kc * nr)
        {
            var cols = Math.Min(nr, nc - jr);
            if (job.TransB)
            {
                // Row j of b holds column j of op(b): read it along depth, write it down the panel.
                for (var x = 0; x < cols; x++)
                {
                    var s = job.B + ((long)(jc + jr + x) * job.Ldb) + pc;
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
}
