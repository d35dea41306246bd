using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollapseLab.Families.NGram;

/// <summary>
/// Least-significant-digit radix sort of ulong keys below 2^bits, stable, optionally carrying an int payload. It is
/// how n-grams are counted: sort packed (context, token) keys, then equal keys lie in runs. Each pass can be split
/// into parts sorted by their own threads; a stable sort has one result, so the output never depends on the split.
/// </summary>
internal static class RadixSort
{
    private const int MaxDigitBits = 11;

    /// <summary>Keys per part below which splitting a pass costs more than it saves.</summary>
    private const int MinPart = 1 << 16;

    /// <summary>Number of bits that hold every value in [0, count).</summary>
    public static int BitsFor(int count) => Math.Max(1, 32 - int.LeadingZeroCount(Math.Max(1, count - 1)));

    /// <summary>Sorts keys[..length] ascending (and payload[..length] alongside) on up to <paramref name="threads"/> threads.</summary>
    public static void Sort(ulong[] keys, ulong[] keyScratch, int[]? payload, int[]? payloadScratch, int length, int bits, int threads)
    {
        var passes = (bits + MaxDigitBits - 1) / MaxDigitBits;
        var width = (bits + passes - 1) / passes;
        var radix = 1 << width;
        var mask = (ulong)radix - 1;
        var parts = Math.Clamp(length / MinPart, 1, Math.Max(1, threads));
        var partStart = new int[parts + 1];
        for (var t = 0; t <= parts; t++)
        {
            partStart[t] = (int)((long)length * t / parts);
        }
        var (src, dst) = (keys, keyScratch);
        var (srcP, dstP) = (payload, payloadScratch);
        // histogram[t·radix + b]: keys now in part t whose digit is b; then offsets[t·radix + b]: where the next goes.
        var histogram = new int[parts * radix];
        var offsets = new int[parts * radix];
        for (var d = 0; d < passes; d++)
        {
            var (s, o, sP, oP, shift) = (src, dst, srcP, dstP, d * width);
            Array.Clear(histogram);
            For(parts, t =>
            {
                var h = histogram.AsSpan(t * radix, radix);
                foreach (var key in s.AsSpan(partStart[t], partStart[t + 1] - partStart[t]))
                {
                    h[(int)((key >> shift) & mask)]++;
                }
            });
            var sum = 0;
            var uniform = false;
            for (var b = 0; b < radix; b++)
            {
                for (var t = 0; t < parts; t++)
                {
                    offsets[t * radix + b] = sum;
                    sum += histogram[t * radix + b];
                }
                uniform |= sum == length && offsets[b] == 0;
            }
            if (uniform)
            {
                continue; // every key has the same digit here
            }
            For(parts, t => Scatter(s, o, sP, oP, partStart[t], partStart[t + 1], shift, mask, ref offsets[t * radix]));
            (src, dst) = (dst, src);
            (srcP, dstP) = (dstP, srcP);
        }
        if (src != keys)
        {
            src.AsSpan(0, length).CopyTo(keys);
            srcP?.AsSpan(0, length).CopyTo(payload);
        }
    }

    private static void For(int parts, Action<int> body)
    {
        if (parts == 1)
        {
            body(0);
        }
        else
        {
            Parallel.For(0, parts, body);
        }
    }

    /// <summary>One counting-sort pass over [from, to) on the digit at <paramref name="shift"/>; offsets holds each bucket's next slot.</summary>
    private static void Scatter(ulong[] src, ulong[] dst, int[]? srcP, int[]? dstP, int from, int to, int shift, ulong mask, ref int offsets)
    {
        ref var source = ref MemoryMarshal.GetArrayDataReference(src);
        ref var target = ref MemoryMarshal.GetArrayDataReference(dst);
        if (srcP is null)
        {
            for (var i = from; i < to; i++)
            {
                var key = Unsafe.Add(ref source, i);
                ref var slot = ref Unsafe.Add(ref offsets, (int)((key >> shift) & mask));
                Unsafe.Add(ref target, slot++) = key;
            }
            return;
        }
        ref var sourceP = ref MemoryMarshal.GetArrayDataReference(srcP);
        ref var targetP = ref MemoryMarshal.GetArrayDataReference(dstP!);
        for (var i = from; i < to; i++)
        {
            var key = Unsafe.Add(ref source, i);
            ref var slot = ref Unsafe.Add(ref offsets, (int)((key >> shift) & mask));
            Unsafe.Add(ref target, slot) = key;
            Unsafe.Add(ref targetP, slot++) = Unsafe.Add(ref sourceP, i);
        }
    }
}
