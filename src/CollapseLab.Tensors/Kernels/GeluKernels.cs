using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// GELU forward and derivative, exact (erf) and tanh-approximated, in parallel chunks. The exact form is one fused
/// vector loop: erf uses Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, about a float32 rounding), because
/// .NET has no vectorised erf, and its exp(−x²/2) also gives the normal density for the derivative. The tanh form
/// chains TensorPrimitives passes over the chunk.
/// </summary>
internal static class GeluKernels
{
    private const int Chunk = 2048;
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;
    private const float Sqrt2OverPi = 0.79788456080286536f;
    private const float Cubic = 0.044715f;

    // Abramowitz and Stegun 7.1.26: erf(a) ≈ 1 − t(A1 + t(A2 + t(A3 + t(A4 + t·A5))))·e^(−a²), t = 1/(1 + P·a)
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f;
    private const float A2 = -0.284496736f;
    private const float A3 = 1.421413741f;
    private const float A4 = -1.453152027f;
    private const float A5 = 1.061405429f;

    /// <summary>y = x·Φ(x) (erf) or 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public static void Forward(float[] x, int xOffset, float[] y, int yOffset, int length, GeluApproximation approx) =>
        Parallelism.For(Parallelism.Pieces(length, Chunk), Chunk * 8, piece =>
        {
            var s = piece * Chunk;
            var n = Math.Min(Chunk, length - s);
            ForwardChunk(x.AsSpan(xOffset + s, n), y.AsSpan(yOffset + s, n), approx);
        });

    /// <summary>dx += dy · gelu'(x), in parallel chunks.</summary>
    public static void BackwardAdd(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int length, GeluApproximation approx) =>
        Parallelism.For(Parallelism.Pieces(length, Chunk), Chunk * 12, piece =>
        {
            var s = piece * Chunk;
            var n = Math.Min(Chunk, length - s);
            BackwardChunk(x.AsSpan(xOffset + s, n), dy.AsSpan(dyOffset + s, n), dx.AsSpan(dxOffset + s, n), approx);
        });

    private static void ForwardChunk(ReadOnlySpan<float> xs, Span<float> ys, GeluApproximation approx)
    {
        if (approx == GeluApproximation.Erf)
        {
            ErfForward(xs, ys);
            return;
        }

        // y = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))
        Span<float> t = stackalloc float[xs.Length];
        TanhArgument(xs, t);
        TensorPrimitives.Tanh(t, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Multiply(t, xs, t);
        TensorPrimitives.Multiply(t, 0.5f, ys);
    }

    /// <summary>y = ½x(1 + erf(x/√2)).</summary>
    private static void ErfForward(ReadOnlySpan<float> x, Span<float> y)
    {
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            var v = Vector256.Create(x.Slice(i, 8));
            var (erf, _) = ErfAndGaussian(v);
            (Vector256.Create(0.5f) * v * (Vector256<float>.One + erf)).CopyTo(y.Slice(i, 8));
        }

        for (; i < x.Length; i++)
        {
            var (erf, _) = ErfAndGaussian(x[i]);
            y[i] = 0.5f * x[i] * (1f + erf);
        }
    }

    /// <summary>dx += dy·(Φ(x) + x·φ(x)), the derivative of xΦ(x).</summary>
    private static void ErfBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            var v = Vector256.Create(x.Slice(i, 8));
            var (erf, gauss) = ErfAndGaussian(v);
            var d = Vector256.FusedMultiplyAdd(Vector256.Create(0.5f), erf, Vector256.Create(0.5f)) + (v * gauss * Vector256.Create(InvSqrt2Pi));
            Vector256.FusedMultiplyAdd(d, Vector256.Create(dy.Slice(i, 8)), Vector256.Create(dx.Slice(i, 8))).CopyTo(dx.Slice(i, 8));
        }

        for (; i < x.Length; i++)
        {
            var (erf, gauss) = ErfAndGaussian(x[i]);
            dx[i] += dy[i] * ((0.5f * (1f + erf)) + (x[i] * gauss * InvSqrt2Pi));
        }
    }

    /// <summary>(erf(x/√2), exp(−x²/2)) for eight lanes.</summary>
    private static (Vector256<float> Erf, Vector256<float> Gauss) ErfAndGaussian(Vector256<float> x)
    {
        var z = x * Vector256.Create(InvSqrt2);
        var a = Vector256.Abs(z);
        var one = Vector256<float>.One;
        var t = one / Vector256.FusedMultiplyAdd(a, Vector256.Create(P), one);
        var p = Vector256.FusedMultiplyAdd(t, Vector256.Create(A5), Vector256.Create(A4));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(A3));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(A2));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(A1));
        var gauss = Exp(-(z * z));
        var r = one - (p * t * gauss);
        return (Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), -r, r), gauss);
    }

    private static (float Erf, float Gauss) ErfAndGaussian(float x)
    {
        var z = x * InvSqrt2;
        var a = MathF.Abs(z);
        var t = 1f / (1f + (P * a));
        var p = ((((((((A5 * t) + A4) * t) + A3) * t) + A2) * t) + A1) * t;
        var gauss = MathF.Exp(-z * z);
        var r = 1f - (p * gauss);
        return (z < 0f ? -r : r, gauss);
    }

    /// <summary>
    /// eˣ for x ≤ 0 (here x = −z²): 2ⁿ·e^r with n = round(x·log₂e), r = x − n·ln 2 in two parts, e^r by a degree-6
    /// Taylor polynomial (|r| ≤ ½ln 2, relative error about 1e-7); below −87 the result flushes to 0.
    /// </summary>
    private static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Max(x, Vector256.Create(-87f));
        var n = Vector256.Round(x * Vector256.Create(1.44269504f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693145752f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-1.42860677e-6f), r);
        var e = Vector256.FusedMultiplyAdd(Vector256.Create(1f / 720f), r, Vector256.Create(1f / 120f));
        e = Vector256.FusedMultiplyAdd(e, r, Vector256.Create(1f / 24f));
        e = Vector256.FusedMultiplyAdd(e, r, Vector256.Create(1f / 6f));
        e = Vector256.FusedMultiplyAdd(e, r, Vector256.Create(0.5f));
        e = Vector256.FusedMultiplyAdd(e, r, Vector256<float>.One);
        e = Vector256.FusedMultiplyAdd(e, r, Vector256<float>.One);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return e * scale;
    }

    private static void BackwardChunk(ReadOnlySpan<float> xs, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approx)
    {
        if (approx == GeluApproximation.Erf)
        {
            ErfBackward(xs, dy, dx);
            return;
        }

        // d/dx 0.5x(1+th) = 0.5(1+th) + 0.5x(1-th²)·√(2/π)(1+3·0.044715x²)
        Span<float> ts = stackalloc float[xs.Length];
        Span<float> us = stackalloc float[xs.Length];
        TanhArgument(xs, ts);
        TensorPrimitives.Tanh(ts, ts);
        TensorPrimitives.Multiply(xs, xs, us);
        TensorPrimitives.Multiply(us, 3f * Cubic, us);
        TensorPrimitives.Add(us, 1f, us);
        TensorPrimitives.Multiply(us, xs, us);
        TensorPrimitives.Multiply(us, Sqrt2OverPi, us);
        for (var i = 0; i < xs.Length; i++)
        {
            var th = ts[i];
            ts[i] = 0.5f * (1f + th + ((1f - (th * th)) * us[i]));
        }

        TensorPrimitives.MultiplyAdd(ts, dy, dx, dx);
    }

    /// <summary>destination = √(2/π)(x + 0.044715x³).</summary>
    private static void TanhArgument(ReadOnlySpan<float> x, Span<float> destination)
    {
        TensorPrimitives.Multiply(x, x, destination);
        TensorPrimitives.Multiply(destination, Cubic, destination);
        TensorPrimitives.Add(destination, 1f, destination);
        TensorPrimitives.Multiply(destination, x, destination);
        TensorPrimitives.Multiply(destination, Sqrt2OverPi, destination);
    }
}

/// <summary>How GELU is computed. <see cref="Erf"/> is the default, as in PyTorch's nn.GELU().</summary>
public enum GeluApproximation
{
    /// <summary>x·Φ(x) with the exact normal CDF (PyTorch approximate='none').</summary>
    Erf,

    /// <summary>0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch approximate='tanh', GPT-2).</summary>
    Tanh,
}
