using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// The 6 x NR micro-kernels: c[0..6, 0..NR] += a·b over kc steps, a a packed 6-row panel, b a packed NR-column panel.
/// Both compute each element as the same FMA chain over p, so they give identical bits.
/// </summary>
public sealed unsafe partial class ManagedGemm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(int kc, float* a, float* b, float* c, int ldc)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Kernel512(kc, a, b, c, ldc);
        }
        else
        {
            Kernel256(kc, a, b, c, ldc);
        }
    }

    /// <summary>6 x 32 with AVX-512: twelve accumulators, two b vectors and a broadcast in 32 registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(int kc, float* a, float* b, float* c, int ldc)
    {
        var c0 = c;
        var c1 = c0 + ldc;
        var c2 = c1 + ldc;
        var c3 = c2 + ldc;
        var c4 = c3 + ldc;
        var c5 = c4 + ldc;
        Vector512<float> x00 = Vector512.Load(c0), x01 = Vector512.Load(c0 + 16);
        Vector512<float> x10 = Vector512.Load(c1), x11 = Vector512.Load(c1 + 16);
        Vector512<float> x20 = Vector512.Load(c2), x21 = Vector512.Load(c2 + 16);
        Vector512<float> x30 = Vector512.Load(c3), x31 = Vector512.Load(c3 + 16);
        Vector512<float> x40 = Vector512.Load(c4), x41 = Vector512.Load(c4 + 16);
        Vector512<float> x50 = Vector512.Load(c5), x51 = Vector512.Load(c5 + 16);
        for (var p = 0; p < kc; p++, a += MR, b += 32)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            x00 = Vector512.FusedMultiplyAdd(av, b0, x00);
            x01 = Vector512.FusedMultiplyAdd(av, b1, x01);
            av = Vector512.Create(a[1]);
            x10 = Vector512.FusedMultiplyAdd(av, b0, x10);
            x11 = Vector512.FusedMultiplyAdd(av, b1, x11);
            av = Vector512.Create(a[2]);
            x20 = Vector512.FusedMultiplyAdd(av, b0, x20);
            x21 = Vector512.FusedMultiplyAdd(av, b1, x21);
            av = Vector512.Create(a[3]);
            x30 = Vector512.FusedMultiplyAdd(av, b0, x30);
            x31 = Vector512.FusedMultiplyAdd(av, b1, x31);
            av = Vector512.Create(a[4]);
            x40 = Vector512.FusedMultiplyAdd(av, b0, x40);
            x41 = Vector512.FusedMultiplyAdd(av, b1, x41);
            av = Vector512.Create(a[5]);
            x50 = Vector512.FusedMultiplyAdd(av, b0, x50);
            x51 = Vector512.FusedMultiplyAdd(av, b1, x51);
        }

        Vector512.Store(x00, c0);
        Vector512.Store(x01, c0 + 16);
        Vector512.Store(x10, c1);
        Vector512.Store(x11, c1 + 16);
        Vector512.Store(x20, c2);
        Vector512.Store(x21, c2 + 16);
        Vector512.Store(x30, c3);
        Vector512.Store(x31, c3 + 16);
        Vector512.Store(x40, c4);
        Vector512.Store(x41, c4 + 16);
        Vector512.Store(x50, c5);
        Vector512.Store(x51, c5 + 16);
    }

    /// <summary>6 x 16 with AVX2: twelve accumulators, two b vectors and a broadcast fill 15 of 16 registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(int kc, float* a, float* b, float* c, int ldc)
    {
        var c0 = c;
        var c1 = c0 + ldc;
        var c2 = c1 + ldc;
        var c3 = c2 + ldc;
        var c4 = c3 + ldc;
        var c5 = c4 + ldc;
        Vector256<float> x00 = Vector256.Load(c0), x01 = Vector256.Load(c0 + 8);
        Vector256<float> x10 = Vector256.Load(c1), x11 = Vector256.Load(c1 + 8);
        Vector256<float> x20 = Vector256.Load(c2), x21 = Vector256.Load(c2 + 8);
        Vector256<float> x30 = Vector256.Load(c3), x31 = Vector256.Load(c3 + 8);
        Vector256<float> x40 = Vector256.Load(c4), x41 = Vector256.Load(c4 + 8);
        Vector256<float> x50 = Vector256.Load(c5), x51 = Vector256.Load(c5 + 8);
        for (var p = 0; p < kc; p++, a += MR, b += 16)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            x00 = Vector256.FusedMultiplyAdd(av, b0, x00);
            x01 = Vector256.FusedMultiplyAdd(av, b1, x01);
            av = Vector256.Create(a[1]);
            x10 = Vector256.FusedMultiplyAdd(av, b0, x10);
            x11 = Vector256.FusedMultiplyAdd(av, b1, x11);
            av = Vector256.Create(a[2]);
            x20 = Vector256.FusedMultiplyAdd(av, b0, x20);
            x21 = Vector256.FusedMultiplyAdd(av, b1, x21);
            av = Vector256.Create(a[3]);
            x30 = Vector256.FusedMultiplyAdd(av, b0, x30);
            x31 = Vector256.FusedMultiplyAdd(av, b1, x31);
            av = Vector256.Create(a[4]);
            x40 = Vector256.FusedMultiplyAdd(av, b0, x40);
            x41 = Vector256.FusedMultiplyAdd(av, b1, x41);
            av = Vector256.Create(a[5]);
            x50 = Vector256.FusedMultiplyAdd(av, b0, x50);
            x51 = Vector256.FusedMultiplyAdd(av, b1, x51);
        }

        Vector256.Store(x00, c0);
        Vector256.Store(x01, c0 + 8);
        Vector256.Store(x10, c1);
        Vector256.Store(x11, c1 + 8);
        Vector256.Store(x20, c2);
        Vector256.Store(x21, c2 + 8);
        Vector256.Store(x30, c3);
        Vector256.Store(x31, c3 + 8);
        Vector256.Store(x40, c4);
        Vector256.Store(x41, c4 + 8);
        Vector256.Store(x50, c5);
        Vector256.Store(x51, c5 + 8);
    }
}
