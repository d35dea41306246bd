using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Least-significant-digit radix sort of ulong keys below 2^bits, stable, optionally carrying an int payload. It is
/// how n-grams are counted: sort packed (context, token) keys, then equal keys lie in runs.
/// </summary>
internal static class RadixSort
{
    private const int MaxDigitBits = 11;

    /// <summary>Number of bits that hold every value in [0, count).</summary>
    public static int BitsFor(int count) => Math.Max(1, 32 - int.LeadingZeroCount(Math.Max(1, count - 1)));

    /// <summary>Sorts keys[..length] ascending (and payload[..length] alongside); scratch buffers are taken from the caller.</summary>
    public static void Sort(ulong[] keys, ulong[] keyScratch, int[]? payload, int[]? payloadScratch, int length, int bits)
    {
        var passes = (bits + MaxDigitBits - 1) / MaxDigitBits;
        var width = (bits + passes - 1) / passes;
        var radix = 1 << width;
        var mask = (ulong)radix - 1;
        var histogram = new int[passes * radix];
        for (var i = 0; i < length; i++)
        {
            var key = keys[i];
            for (var d = 0; d < passes; d++)
            {
                histogram[d * radix + (int)((key >> (d * width)) & mask)]++;
            }
        }
        var (src, dst) = (keys, keyScratch);
        var (srcP, dstP) = (payload, payloadScratch);
        for (var d = 0; d < passes; d++)
        {
            var offsets = histogram.AsSpan(d * radix, radix);
            if (offsets.Contains(length))
            {
                continue; // every key has the same digit here
            }
            var sum = 0;
            for (var b = 0; b < radix; b++)
            {
                (offsets[b], sum) = (sum, sum + offsets[b]);
            }
            Scatter(src, dst, srcP, dstP, length, d * width, mask, ref MemoryMarshal.GetReference(offsets));
            (src, dst) = (dst, src);
            (srcP, dstP) = (dstP, srcP);
        }
        if (src != keys)
        {
            src.AsSpan(0, length).CopyTo(keys);
            srcP?.AsSpan(0, length).CopyTo(payload);
        }
    }

    /// <summary>One counting-sort pass on the digit at <paramref name="shift"/>; offsets holds each bucket's next slot.</summary>
    private static void Scatter(ulong[] src, ulong[] dst, int[]? srcP, int[]? dstP, int length, int shift, ulong mask, ref int offsets)
    {
        ref var from = ref MemoryMarshal.GetArrayDataReference(src);
        ref var to = ref MemoryMarshal.GetArrayDataReference(dst);
        if (srcP is null)
        {
            for (var i = 0; i < length; i++)
            {
                var key = Unsafe.Add(ref from, i);
                ref var slot = ref Unsafe.Add(ref offsets, (int)((key >> shift) & mask));
                Unsafe.Add(ref to, slot++) = key;
            }
            return;
        }
        ref var fromP = ref MemoryMarshal.GetArrayDataReference(srcP);
        ref var toP = ref MemoryMarshal.GetArrayDataReference(dstP!);
        for (var i = 0; i < length; i++)
        {
            var key = Unsafe.Add(ref from, i);
            ref var slot = ref Unsafe.Add(ref offsets, (int)((key >> shift) & mask));
            Unsafe.Add(ref to, slot) = key;
            Unsafe.Add(ref toP, slot++) = Unsafe.Add(ref fromP, i);
        }
    }
}
