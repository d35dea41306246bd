using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// GELU forward and derivative, exact (erf) and tanh-approximated. Work is done in chunks that stay in L1 so that
/// TensorPrimitives can vectorise the exponentials. erf uses Abramowitz and Stegun 7.1.26 (absolute error below
/// 1.5e-7, the size of a float32 rounding), because .NET has no vectorised erf.
/// </summary>
internal static class GeluKernels
{
    private const int Chunk = 2048;
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;
    private const float Sqrt2OverPi = 0.79788456080286536f;
    private const float Cubic = 0.044715f;

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
        Span<float> t = stackalloc float[Chunk];
        var n = xs.Length;
        var ts = t[..n];
        if (approx == GeluApproximation.Tanh)
        {
            TanhArgument(xs, ts);
            TensorPrimitives.Tanh(ts, ts);
            TensorPrimitives.Add(ts, 1f, ts);
        }
        else
        {
            TensorPrimitives.Multiply(xs, InvSqrt2, ts);
            Erf(ts, ts);
            TensorPrimitives.Add(ts, 1f, ts);
        }

        TensorPrimitives.Multiply(ts, xs, ts);
        TensorPrimitives.Multiply(ts, 0.5f, ys);
    }

    private static void BackwardChunk(ReadOnlySpan<float> xs, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approx)
    {
        Span<float> t = stackalloc float[Chunk];
        Span<float> u = stackalloc float[Chunk];
        var n = xs.Length;
        var ts = t[..n];
        var us = u[..n];
        if (approx == GeluApproximation.Tanh)
        {
            // d/dx 0.5x(1+th) = 0.5(1+th) + 0.5x(1-th²)·√(2/π)(1+3·0.044715x²)
            TanhArgument(xs, ts);
            TensorPrimitives.Tanh(ts, ts);
            TensorPrimitives.Multiply(xs, xs, us);
            TensorPrimitives.Multiply(us, 3f * Cubic, us);
            TensorPrimitives.Add(us, 1f, us);
            TensorPrimitives.Multiply(us, xs, us);
            TensorPrimitives.Multiply(us, Sqrt2OverPi, us);
            for (var i = 0; i < n; i++)
            {
                var th = ts[i];
                ts[i] = 0.5f * (1f + th + ((1f - (th * th)) * us[i]));
            }
        }
        else
        {
            // d/dx xΦ(x) = Φ(x) + x·φ(x)
            TensorPrimitives.Multiply(xs, xs, us);
            TensorPrimitives.Multiply(us, -0.5f, us);
            TensorPrimitives.Exp(us, us);
            TensorPrimitives.Multiply(us, xs, us);
            TensorPrimitives.Multiply(xs, InvSqrt2, ts);
            Erf(ts, ts);
            TensorPrimitives.Multiply(ts, 0.5f, ts);
            TensorPrimitives.Add(ts, 0.5f, ts);
            TensorPrimitives.MultiplyAdd(us, InvSqrt2Pi, ts, ts);
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

    /// <summary>destination = erf(x); x and destination may be the same span; at most <see cref="Chunk"/> long.</summary>
    public static void Erf(ReadOnlySpan<float> x, Span<float> destination)
    {
        Span<float> e = stackalloc float[x.Length];
        TensorPrimitives.Multiply(x, x, e);
        TensorPrimitives.Negate(e, e);
        TensorPrimitives.Exp(e, e);
        var i = 0;
        var one = Vector256.Create(1f);
        for (; i + 8 <= x.Length; i += 8)
        {
            var v = Vector256.Create(x.Slice(i, 8));
            var a = Vector256.Abs(v);
            var t = one / Vector256.FusedMultiplyAdd(a, Vector256.Create(0.3275911f), one);
            var p = Vector256.FusedMultiplyAdd(t, Vector256.Create(1.061405429f), Vector256.Create(-1.453152027f));
            p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.421413741f));
            p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.284496736f));
            p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.254829592f));
            var r = one - (p * t * Vector256.Create(e.Slice(i, 8)));
            var signed = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), -r, r);
            signed.CopyTo(destination.Slice(i, 8));
        }

        for (; i < x.Length; i++)
        {
            var a = MathF.Abs(x[i]);
            var t = 1f / (1f + (0.3275911f * a));
            var p = ((((((((1.061405429f * t) - 1.453152027f) * t) + 1.421413741f) * t) - 0.284496736f) * t) + 0.254829592f) * t;
            var r = 1f - (p * e[i]);
            destination[i] = x[i] < 0f ? -r : r;
        }
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
