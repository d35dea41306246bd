using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// Reductions and exp for EM with results fixed by the code alone. Library reductions (Vector256.Sum,
/// TensorPrimitives.Sum/Dot/Exp) may add lanes in a different order, or fuse multiply-adds differently, in
/// tier-0 and optimised JIT code, so one run could differ in the last bits depending on when a method was
/// recompiled. Here every lane order is explicit and only exactly rounded operations are used (+, ×, ÷, FMA).
/// </summary>
internal static class EmKernels
{
    /// <summary>(v0 + v1) + (v2 + v3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Lanes(Vector256<double> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));

    /// <summary>
    /// Σ x[i]: two 4-lane partial sums over alternating groups of four (two independent add chains), added lane-wise
    /// and combined by <see cref="Lanes"/>, then the tail in order.
    /// </summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            acc0 += Vector256.Create(x.Slice(i, 4));
            acc1 += Vector256.Create(x.Slice(i + 4, 4));
        }
        if (i + 4 <= x.Length)
        {
            acc0 += Vector256.Create(x.Slice(i, 4));
            i += 4;
        }
        var s = Lanes(acc0 + acc1);
        for (; i < x.Length; i++)
        {
            s += x[i];
        }
        return s;
    }

    private const double Log2E = 1.4426950408889634;
    private const double Ln2High = 6.93147180369123816490e-01;
    private const double Ln2Low = 1.90821492927058770002e-10;

    /// <summary>1.5·2⁵²: adding it rounds to an integer held in the low mantissa bits.</summary>
    private const double RoundingShift = 6755399441055744.0;

    /// <summary>
    /// x[i] = eˣ in place, within about 2 ulp of Math.Exp. e^x = 2ⁿ·e^r with n = round(x/ln 2), r = x − n·ln 2
    /// (|r| ≤ ½ ln 2, two-part ln 2), e^r by its Taylor series to r¹³ (truncation below 1e-17). Vectors with a lane
    /// outside [−708, 709] (underflow, overflow, NaN) go to Math.Exp.
    /// </summary>
    public static void Exp(Span<double> x)
    {
        var i = 0;
        ref var start = ref MemoryMarshal.GetReference(x);
        for (; i + 4 <= x.Length; i += 4)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            if (!Vector256.GreaterThanOrEqualAll(v, Vector256.Create(-708.0)) || !Vector256.LessThanOrEqualAll(v, Vector256.Create(709.0)))
            {
                for (var k = 0; k < 4; k++)
                {
                    x[i + k] = Math.Exp(x[i + k]);
                }
                continue;
            }
            var shifted = Vector256.FusedMultiplyAdd(v, Vector256.Create(Log2E), Vector256.Create(RoundingShift));
            var n = shifted - Vector256.Create(RoundingShift);
            var r = Vector256.FusedMultiplyAdd(-n, Vector256.Create(Ln2High), v);
            r = Vector256.FusedMultiplyAdd(-n, Vector256.Create(Ln2Low), r);
            var p = Vector256.Create(1.0 / 6227020800.0);
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 479001600.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 39916800.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 3628800.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 362880.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 40320.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 5040.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 720.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 120.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 24.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0));
            // 2ⁿ from n's integer bits: (n + 1023) << 52, n in [−1022, 1023] here.
            var bits = (shifted.AsInt64() - Vector256.Create(RoundingShift).AsInt64() + Vector256.Create(1023L)) << 52;
            (p * bits.AsDouble()).StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < x.Length; i++)
        {
            x[i] = Math.Exp(x[i]);
        }
    }

    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>
    /// x[i] = ln x in place, within a few ulp of Math.Log. x = 2ᵉ·m with m in [√½, √2); ln m = 2·atanh(f) =
    /// 2f·Σ f²ᵏ/(2k+1) with f = (m−1)/(m+1), |f| ≤ 0.172, summed to k = 11; ln x = e·ln 2 + ln m (two-part ln 2).
    /// Vectors with a lane that is not a positive normal finite number go to Math.Log.
    /// </summary>
    public static void Log(Span<double> x)
    {
        var i = 0;
        ref var start = ref MemoryMarshal.GetReference(x);
        for (; i + 4 <= x.Length; i += 4)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            if (!Vector256.GreaterThanOrEqualAll(v, Vector256.Create(2.2250738585072014e-308)) || !Vector256.LessThanOrEqualAll(v, Vector256.Create(double.MaxValue)))
            {
                for (var k = 0; k < 4; k++)
                {
                    x[i + k] = Math.Log(x[i + k]);
                }
                continue;
            }
            var bits = v.AsInt64();
            // m in [1, 2) from the mantissa; the exponent field as an exact double via the 2⁵² trick.
            var m = ((bits & Vector256.Create(0x000FFFFFFFFFFFFFL)) | Vector256.Create(0x3FF0000000000000L)).AsDouble();
            var field = (Vector256.ShiftRightLogical(bits, 52) | Vector256.Create(0x4330000000000000L)).AsDouble() - Vector256.Create(4503599627370496.0);
            var e = field - Vector256.Create(1023.0);
            var high = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
            m = Vector256.ConditionalSelect(high, m * Vector256.Create(0.5), m);
            e = Vector256.ConditionalSelect(high, e + Vector256.Create(1.0), e);
            var f = (m - Vector256.Create(1.0)) / (m + Vector256.Create(1.0));
            var f2 = f * f;
            var p = Vector256.Create(1.0 / 23);
            for (var k = 10; k >= 0; k--)
            {
                p = Vector256.FusedMultiplyAdd(p, f2, Vector256.Create(1.0 / (2 * k + 1)));
            }
            var lnM = Vector256.Create(2.0) * f * p;
            var result = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2High), Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2Low), lnM));
            result.StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < x.Length; i++)
        {
            x[i] = Math.Log(x[i]);
        }
    }
}
