using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// The E step's Mahalanobis term for full and tied covariances as a GEMM: Y = (X − μ)·L⁻ᵀ over a block of rows,
/// then the squared row norms, destination[r] = −½‖y_r‖² + c.
/// </summary>
internal static class WhitenedNorms
{
    /// <summary>
    /// Sixteen rows (four 256-bit registers) × two outputs (y_j, y_{j+1}) at a time: per inner step two
    /// coefficients and four centred columns feed eight FMAs, and the eight accumulators are independent. Each row
    /// gets exactly the operations of the scalar definition in a fixed order (y_j = L⁻¹[j,0]·e_0, then FMA over
    /// i = 1 … j; the squares are FMA-added in j order), the same as <see cref="CholeskyForm"/>'s eight-row step,
    /// so which step takes a row does not change its bits. The centred values e_i = x_i − μ_i are recomputed per
    /// pair of outputs instead of stored. Returns the number of rows done (a multiple of 16).
    /// </summary>
    public static int Rows16(double[] inverse, double constant, ReadOnlySpan<double> mean, in ColumnBlock x, Span<double> destination)
    {
        var d = mean.Length;
        ref var columns = ref MemoryMarshal.GetArrayDataReference(x.Columns);
        ref var l = ref MemoryMarshal.GetArrayDataReference(inverse);
        var half = Vector256.Create(-0.5);
        var c0 = Vector256.Create(constant);
        var r = 0;
        for (; r + 16 <= x.Rows; r += 16)
        {
            ref var block = ref Unsafe.Add(ref columns, x.Start + r);
            Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (var j = 0; j < d; j += 2)
            {
                var pair = j + 1 < d;
                // Row j+1 of L⁻¹, or row j again for the last, unpaired output (its result is not used).
                ref var rowA = ref Unsafe.Add(ref l, j * d);
                ref var rowB = ref Unsafe.Add(ref l, (pair ? j + 1 : j) * d);
                var m = Vector256.Create(mean[0]);
                var e0 = Vector256.LoadUnsafe(ref block) - m;
                var e1 = Vector256.LoadUnsafe(ref block, 4) - m;
                var e2 = Vector256.LoadUnsafe(ref block, 8) - m;
                var e3 = Vector256.LoadUnsafe(ref block, 12) - m;
                var ca = Vector256.Create(rowA);
                var cb = Vector256.Create(rowB);
                Vector256<double> a0 = ca * e0, a1 = ca * e1, a2 = ca * e2, a3 = ca * e3;
                Vector256<double> b0 = cb * e0, b1 = cb * e1, b2 = cb * e2, b3 = cb * e3;
                for (var i = 1; i <= j; i++)
                {
                    ref var column = ref Unsafe.Add(ref block, i * x.N);
                    m = Vector256.Create(mean[i]);
                    e0 = Vector256.LoadUnsafe(ref column) - m;
                    e1 = Vector256.LoadUnsafe(ref column, 4) - m;
                    e2 = Vector256.LoadUnsafe(ref column, 8) - m;
                    e3 = Vector256.LoadUnsafe(ref column, 12) - m;
                    ca = Vector256.Create(Unsafe.Add(ref rowA, i));
                    cb = Vector256.Create(Unsafe.Add(ref rowB, i));
                    a0 = Vector256.FusedMultiplyAdd(ca, e0, a0);
                    a1 = Vector256.FusedMultiplyAdd(ca, e1, a1);
                    a2 = Vector256.FusedMultiplyAdd(ca, e2, a2);
                    a3 = Vector256.FusedMultiplyAdd(ca, e3, a3);
                    b0 = Vector256.FusedMultiplyAdd(cb, e0, b0);
                    b1 = Vector256.FusedMultiplyAdd(cb, e1, b1);
                    b2 = Vector256.FusedMultiplyAdd(cb, e2, b2);
                    b3 = Vector256.FusedMultiplyAdd(cb, e3, b3);
                }
                s0 = Vector256.FusedMultiplyAdd(a0, a0, s0);
                s1 = Vector256.FusedMultiplyAdd(a1, a1, s1);
                s2 = Vector256.FusedMultiplyAdd(a2, a2, s2);
                s3 = Vector256.FusedMultiplyAdd(a3, a3, s3);
                if (!pair)
                {
                    break;
                }
                // The last term of y_{j+1}, i = j + 1.
                ref var next = ref Unsafe.Add(ref block, (j + 1) * x.N);
                m = Vector256.Create(mean[j + 1]);
                cb = Vector256.Create(Unsafe.Add(ref rowB, j + 1));
                b0 = Vector256.FusedMultiplyAdd(cb, Vector256.LoadUnsafe(ref next) - m, b0);
                b1 = Vector256.FusedMultiplyAdd(cb, Vector256.LoadUnsafe(ref next, 4) - m, b1);
                b2 = Vector256.FusedMultiplyAdd(cb, Vector256.LoadUnsafe(ref next, 8) - m, b2);
                b3 = Vector256.FusedMultiplyAdd(cb, Vector256.LoadUnsafe(ref next, 12) - m, b3);
                s0 = Vector256.FusedMultiplyAdd(b0, b0, s0);
                s1 = Vector256.FusedMultiplyAdd(b1, b1, s1);
                s2 = Vector256.FusedMultiplyAdd(b2, b2, s2);
                s3 = Vector256.FusedMultiplyAdd(b3, b3, s3);
            }
            ref var target = ref MemoryMarshal.GetReference(destination.Slice(r, 16));
            Vector256.FusedMultiplyAdd(s0, half, c0).StoreUnsafe(ref target);
            Vector256.FusedMultiplyAdd(s1, half, c0).StoreUnsafe(ref target, 4);
            Vector256.FusedMultiplyAdd(s2, half, c0).StoreUnsafe(ref target, 8);
            Vector256.FusedMultiplyAdd(s3, half, c0).StoreUnsafe(ref target, 12);
        }
        return r;
    }
}
