using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Numerics;

/// <summary>
/// The lower triangle of Cᵀ·C for a block of rows C, with the sums over the block's rows held in registers and
/// then added into an accumulator: the covariance's inner loop. Sums run over the rows in order, so the bits
/// depend on the block boundaries only, never on threads.
/// </summary>
internal static class Gram
{
    /// <summary>Rows per block: small enough to stay in L1 with d up to a few hundred.</summary>
    public const int BlockRows = 32;

    /// <summary>
    /// acc[a·d + b] += Σ_r c[r·d + a]·c[r·d + b] for b ≤ a, over <paramref name="rows"/> rows of d. Entries above the
    /// diagonal within a row's last four-wide step may be written too: callers treat the upper triangle as scratch.
    /// </summary>
    public static void AddLower(ReadOnlySpan<double> c, int rows, int d, Span<double> acc)
    {
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var acc0 = ref MemoryMarshal.GetReference(acc);
        for (var a = 0; a < d; a++)
        {
            var limit = Math.Min(d, (a + 4) & ~3);
            var b = 0;
            for (; b + 16 <= limit; b += 16)
            {
                Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
                for (var r = 0; r < rows; r++)
                {
                    var row = (nuint)(r * d);
                    var ca = Vector256.Create(c[r * d + a]);
                    s0 += ca * Vector256.LoadUnsafe(ref c0, row + (nuint)b);
                    s1 += ca * Vector256.LoadUnsafe(ref c0, row + (nuint)b + 4);
                    s2 += ca * Vector256.LoadUnsafe(ref c0, row + (nuint)b + 8);
                    s3 += ca * Vector256.LoadUnsafe(ref c0, row + (nuint)b + 12);
                }
                var at = (nuint)(a * d + b);
                (Vector256.LoadUnsafe(ref acc0, at) + s0).StoreUnsafe(ref acc0, at);
                (Vector256.LoadUnsafe(ref acc0, at + 4) + s1).StoreUnsafe(ref acc0, at + 4);
                (Vector256.LoadUnsafe(ref acc0, at + 8) + s2).StoreUnsafe(ref acc0, at + 8);
                (Vector256.LoadUnsafe(ref acc0, at + 12) + s3).StoreUnsafe(ref acc0, at + 12);
            }
            for (; b + 4 <= limit; b += 4)
            {
                Vector256<double> s = default;
                for (var r = 0; r < rows; r++)
                {
                    s += Vector256.Create(c[r * d + a]) * Vector256.LoadUnsafe(ref c0, (nuint)(r * d + b));
                }
                var at = (nuint)(a * d + b);
                (Vector256.LoadUnsafe(ref acc0, at) + s).StoreUnsafe(ref acc0, at);
            }
            for (; b < limit; b++)
            {
                var s = 0.0;
                for (var r = 0; r < rows; r++)
                {
                    s += c[r * d + a] * c[r * d + b];
                }
                acc[a * d + b] += s;
            }
        }
    }
}
