using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollapseLab.Tensors;

namespace CollapseLab.Random;

/// <summary>
/// The ziggurat run on four lanes at once: each step draws four layer indices and four signed uniforms and
/// accepts the lanes whose |u| lies inside the layer below (about 99%). The rest are redrawn afterwards through
/// the scalar <see cref="Ziggurat.Slow"/> path in position order, so the vector loop makes no calls. Integer steps
/// and one multiply per value: the bits are the same with or without hardware SIMD.
/// </summary>
internal static class ZigguratLanes
{
    /// <summary>Values per block; a block's rejected lanes are finished before the next block starts.</summary>
    private const int Block = 256;

    private readonly record struct Rejected(int Position, int Layer, double U);

    /// <summary>destination[k] = mean + std · z_k; lane draws from <paramref name="lanes"/>, edge cases from <paramref name="scalar"/>.</summary>
    [SkipLocalsInit]
    public static void Fill(ref Xoshiro256x4 lanes, ref Xoshiro256 scalar, Span<double> destination, double mean, double std)
    {
        Span<Rejected> rejected = stackalloc Rejected[Block];
        Span<double> partial = stackalloc double[4];
        for (var start = 0; start < destination.Length; start += Block)
        {
            var length = Math.Min(Block, destination.Length - start);
            var whole = length & ~3;
            var block = destination.Slice(start, length);
            var count = FillBlock(ref lanes, block[..whole], 0, mean, std, rejected, 0);
            if (whole < length)
            {
                // A length that is not a multiple of 4 draws its last vector into a buffer and keeps the first lanes.
                count = FillBlock(ref lanes, partial, whole, mean, std, rejected, count);
                partial[..(length - whole)].CopyTo(block[whole..]);
            }
            foreach (var r in rejected[..count])
            {
                if (r.Position < length)
                {
                    block[r.Position] = mean + std * Ziggurat.Slow(ref scalar, r.Layer, r.U);
                }
            }
        }
    }

    /// <summary>
    /// Fills a whole number of vectors and appends the rejected lanes (position = offset + index, in order) after
    /// the first <paramref name="count"/>; returns the new count.
    /// </summary>
    private static int FillBlock(ref Xoshiro256x4 lanes, Span<double> block, int offset, double mean, double std, Span<Rejected> rejected, int count)
    {
        var m = Vector256.Create(mean);
        var s = Vector256.Create(std);
        ref var x = ref Ziggurat.XStart;
        ref var ratio = ref Ziggurat.RatioStart;
        ref var output = ref MemoryMarshal.GetReference(block);
        lanes.Load(out var s0, out var s1, out var s2, out var s3);
        for (var k = 0; k < block.Length; k += 4)
        {
            var bits = Xoshiro256x4.Step(ref s0, ref s1, ref s2, ref s3);
            // u in [−1, 1) from the 52 high bits: a double in [2, 4) less 3; the low 8 bits pick the layer.
            var u = (bits >>> 12 | Vector256.Create(0x4000000000000000UL)).AsDouble() - Vector256.Create(3.0);
            var layer = bits & Vector256.Create(0xFFUL);
            var edge = Gather(ref x, layer);
            var inside = Gather(ref ratio, layer);
            var outside = Vector256.GreaterThanOrEqual(Vector256.Abs(u), inside).ExtractMostSignificantBits();
            (m + s * (u * edge)).StoreUnsafe(ref output, (nuint)k);
            while (outside != 0)
            {
                var lane = System.Numerics.BitOperations.TrailingZeroCount(outside);
                rejected[count++] = new Rejected(offset + k + lane, (int)layer.GetElement(lane), u.GetElement(lane));
                outside &= outside - 1;
            }
        }
        lanes.Store(s0, s1, s2, s3);
        return count;
    }

    /// <summary>table[index] per lane (scalar loads measured faster than a hardware gather here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Gather(ref double table, Vector256<ulong> index) =>
        Vector256.Create(
            Unsafe.Add(ref table, (nint)index.GetElement(0)), Unsafe.Add(ref table, (nint)index.GetElement(1)),
            Unsafe.Add(ref table, (nint)index.GetElement(2)), Unsafe.Add(ref table, (nint)index.GetElement(3)));
}
