using System.Numerics.Tensors;
using CollapseLab.Tensors.Autodiff;

namespace CollapseLab.Tensors;

public static partial class Ops
{
    /// <summary>Sum of all elements, as a rank-0 tensor.</summary>
    public static Tensor Sum(Tensor x)
    {
        var y = Tensor.Scalar(TensorPrimitives.Sum(x.Data));
        return Tape.Add(y, [x], () => Gradients.SumAll(x, y, 1f));
    }

    /// <summary>Mean of all elements, as a rank-0 tensor.</summary>
    public static Tensor Mean(Tensor x)
    {
        var y = Tensor.Scalar(TensorPrimitives.Sum(x.Data) / x.Length);
        return Tape.Add(y, [x], () => Gradients.SumAll(x, y, 1f / x.Length));
    }

    /// <summary>Sum over <paramref name="axis"/>; the axis is dropped unless <paramref name="keepDim"/>.</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDim = false) => SumAxis(x, axis, keepDim, 1f, "sum");

    /// <summary>Mean over <paramref name="axis"/>; the axis is dropped unless <paramref name="keepDim"/>.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDim = false)
    {
        var a = Shapes.Axis(axis, x.Rank, "mean");
        return SumAxis(x, a, keepDim, 1f / x.Shape[a], "mean");
    }

    /// <summary>Maximum over <paramref name="axis"/>; the gradient flows to the first maximal element, NaN wins.</summary>
    public static Tensor Max(Tensor x, int axis, bool keepDim = false)
    {
        var a = Shapes.Axis(axis, x.Rank, "max");
        var (outer, n, inner) = Shapes.Split(x.Shape, a);
        if (n == 0)
        {
            throw new ArgumentException($"max: axis {axis} of shape {Shapes.Format(x.Shape)} is empty");
        }

        var y = Tensor.Uninitialized(ReducedShape(x.Shape, a, keepDim));
        var arg = new int[outer * inner];
        var xs = x.Data;
        var ys = y.Data;
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var best = 0;
                var bestValue = xs[(o * n * inner) + i];
                for (var k = 1; k < n && !float.IsNaN(bestValue); k++)
                {
                    var v = xs[(((o * n) + k) * inner) + i];
                    if (v > bestValue || float.IsNaN(v))
                    {
                        best = k;
                        bestValue = v;
                    }
                }

                ys[(o * inner) + i] = bestValue;
                arg[(o * inner) + i] = best;
            }
        }

        return Tape.Add(y, [x], () => Gradients.MaxAxis(x, y, a, arg));
    }

    private static Tensor SumAxis(Tensor x, int axis, bool keepDim, float scale, string op)
    {
        var a = Shapes.Axis(axis, x.Rank, op);
        var (outer, n, inner) = Shapes.Split(x.Shape, a);
        var y = Tensor.Zeros(ReducedShape(x.Shape, a, keepDim));
        var xs = x.Data;
        var ys = y.Data;
        for (var o = 0; o < outer; o++)
        {
            var dst = ys.Slice(o * inner, inner);
            if (inner == 1)
            {
                dst[0] = TensorPrimitives.Sum(xs.Slice(o * n, n));
            }
            else
            {
                for (var k = 0; k < n; k++)
                {
                    TensorPrimitives.Add(dst, xs.Slice(((o * n) + k) * inner, inner), dst);
                }
            }
        }

        if (scale != 1f)
        {
            TensorPrimitives.Multiply(ys, scale, ys);
        }

        return Tape.Add(y, [x], () => Gradients.SumAxis(x, y, a, scale));
    }

    private static int[] ReducedShape(ReadOnlySpan<int> shape, int axis, bool keepDim)
    {
        var result = new List<int>(shape.Length);
        for (var i = 0; i < shape.Length; i++)
        {
            if (i != axis)
            {
                result.Add(shape[i]);
            }
            else if (keepDim)
            {
                result.Add(1);
            }
        }

        return [.. result];
    }
}
