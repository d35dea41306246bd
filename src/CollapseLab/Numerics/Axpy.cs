using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Numerics;

/// <summary>
/// acc[j] += s·x[j] over short spans (a row of d numbers), four lanes at a time. Multiply then add, never fused, so
/// every element gets exactly the bits of the scalar loop on any machine.
/// </summary>
internal static class Axpy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(Span<double> acc, ReadOnlySpan<double> x, double s)
    {
        ref var a = ref MemoryMarshal.GetReference(acc);
        ref var b = ref MemoryMarshal.GetReference(x);
        var n = Math.Min(acc.Length, x.Length);
        var scale = Vector256.Create(s);
        var j = 0;
        for (; j + 4 <= n; j += 4)
        {
            (Vector256.LoadUnsafe(ref a, (nuint)j) + scale * Vector256.LoadUnsafe(ref b, (nuint)j)).StoreUnsafe(ref a, (nuint)j);
        }
        for (; j < n; j++)
        {
            Unsafe.Add(ref a, j) += s * Unsafe.Add(ref b, j);
        }
    }
}
