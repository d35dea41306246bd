using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Numerics;

/// <summary>
/// e^x for a vector of doubles with |x| ≤ 708, inlined into the caller's loop. The steps and constants are those of
/// the runtime's Vector512/256.Exp fast path (n = round(x·log₂e), r = x − n·ln2 in two parts, a degree-11 polynomial
/// in r, times 2ⁿ built in the exponent bits), so the bits are the same as TensorPrimitives.Exp's. The runtime's
/// version is a call that passes the vector through the stack; depending on the stack's alignment that costs
/// store-forwarding stalls, measured at 0.33 against 1.3 G exp/s on this machine (docs/benchmarks.md § KDE).
/// </summary>
public static class VectorExp
{
    /// <summary>|x| at or below this takes the polynomial path (the runtime falls back to Math.Exp per lane above).</summary>
    public const double Limit = 708;

    private const double RoundMagic = 6755399441055744; // 1.5·2⁵², adding it rounds to an integer in the low bits
    private const double Log2E = 1.4426950408889634;
    private const double Ln2High = -0.693359375;
    private const double Ln2Low = 2.1219444005469057e-4;

    // The polynomial's coefficients of r², …, r¹¹ (those of 1 and r are 1), the runtime's to the last bit.
    private const double C2 = 0.5000000000000018;
    private const double C3 = 0.1666666666666617;
    private const double C4 = 0.04166666666649277;
    private const double C5 = 0.008333333333559272;
    private const double C6 = 0.001388888895122404;
    private const double C7 = 1.9841269432677495e-4;
    private const double C8 = 2.4801486521374483e-5;
    private const double C9 = 2.7557622532543023e-6;
    private const double C10 = 2.7632293298250954e-7;
    private const double C11 = 2.499430431958571e-8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
        var n = shifted - Vector512.Create(RoundMagic);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(Ln2Low), Vector512.FusedMultiplyAdd(n, Vector512.Create(Ln2High), x));
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var high = Vector512.FusedMultiplyAdd(r2, Vector512.FusedMultiplyAdd(r, Vector512.Create(C11), Vector512.Create(C10)),
            Vector512.FusedMultiplyAdd(r, Vector512.Create(C9), Vector512.Create(C8)));
        var middle = Vector512.FusedMultiplyAdd(r2, Vector512.FusedMultiplyAdd(r, Vector512.Create(C7), Vector512.Create(C6)),
            Vector512.FusedMultiplyAdd(r, Vector512.Create(C5), Vector512.Create(C4)));
        var low = Vector512.FusedMultiplyAdd(r2, Vector512.FusedMultiplyAdd(r, Vector512.Create(C3), Vector512.Create(C2)), r + Vector512<double>.One);
        var poly = Vector512.FusedMultiplyAdd(r8, high, Vector512.FusedMultiplyAdd(r4, middle, low));
        var scale = (shifted.AsUInt64() + Vector512.Create(1023UL)) << 52;
        return scale.AsDouble() * poly;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        var n = shifted - Vector256.Create(RoundMagic);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(Ln2High), x));
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var high = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(r, Vector256.Create(C11), Vector256.Create(C10)),
            Vector256.FusedMultiplyAdd(r, Vector256.Create(C9), Vector256.Create(C8)));
        var middle = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(r, Vector256.Create(C7), Vector256.Create(C6)),
            Vector256.FusedMultiplyAdd(r, Vector256.Create(C5), Vector256.Create(C4)));
        var low = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(r, Vector256.Create(C3), Vector256.Create(C2)), r + Vector256<double>.One);
        var poly = Vector256.FusedMultiplyAdd(r8, high, Vector256.FusedMultiplyAdd(r4, middle, low));
        var scale = (shifted.AsUInt64() + Vector256.Create(1023UL)) << 52;
        return scale.AsDouble() * poly;
    }
}
