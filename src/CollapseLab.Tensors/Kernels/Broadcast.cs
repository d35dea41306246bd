using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Loops for broadcast binary ops and for their gradients. Shapes are right-aligned and padded to rank 4; an input
/// axis of size 1 gets stride 0. The innermost axis is handed to TensorPrimitives as a span or a scalar.
/// </summary>
internal static class Broadcast
{
    public enum Op
    {
        Add,
        Subtract,
        Multiply,
        Divide,
    }

    /// <summary>destination = x op y, with x and y broadcast to the destination's shape.</summary>
    public static void Binary(Op op, Tensor x, Tensor y, Tensor destination)
    {
        if (Shapes.Equal(x.Shape, y.Shape))
        {
            Row(op, x.Data, y.Data, destination.Data);
            return;
        }

        if (Shapes.Equal(x.Shape, destination.Shape) && IsTrailingBlock(y.Shape, destination.Shape))
        {
            // y repeats along the leading axes of x, as a bias (C) or positions (T,C) added to (B,T,C)
            var block = y.Length;
            for (var start = 0; start < destination.Length; start += block)
            {
                Row(op, x.Data.Slice(start, block), y.Data, destination.Data.Slice(start, block));
            }

            return;
        }

        var d = Pad(destination.Shape);
        var sx = Strides(x.Shape, d);
        var sy = Strides(y.Shape, d);
        var xs = x.Data;
        var ys = y.Data;
        var ds = destination.Data;
        var n = d[3];
        var o = 0;
        for (var i0 = 0; i0 < d[0]; i0++)
        {
            for (var i1 = 0; i1 < d[1]; i1++)
            {
                for (var i2 = 0; i2 < d[2]; i2++)
                {
                    var ox = (i0 * sx[0]) + (i1 * sx[1]) + (i2 * sx[2]);
                    var oy = (i0 * sy[0]) + (i1 * sy[1]) + (i2 * sy[2]);
                    var dst = ds.Slice(o, n);
                    if (sx[3] == 1 && sy[3] == 1)
                    {
                        Row(op, xs.Slice(ox, n), ys.Slice(oy, n), dst);
                    }
                    else if (sx[3] == 1)
                    {
                        RowScalar(op, xs.Slice(ox, n), ys[oy], dst);
                    }
                    else if (sy[3] == 1)
                    {
                        ScalarRow(op, xs[ox], ys.Slice(oy, n), dst);
                    }
                    else
                    {
                        dst.Fill(Apply(op, xs[ox], ys[oy]));
                    }

                    o += n;
                }
            }
        }
    }

    /// <summary>grad += g summed over the axes along which a tensor of <paramref name="shape"/> was broadcast.</summary>
    public static void SumInto(ReadOnlySpan<float> g, ReadOnlySpan<int> gShape, Span<float> grad, ReadOnlySpan<int> shape)
    {
        if (Shapes.Equal(gShape, shape))
        {
            TensorPrimitives.Add(grad, g, grad);
            return;
        }

        if (IsTrailingBlock(shape, gShape))
        {
            var block = grad.Length;
            for (var start = 0; start < g.Length; start += block)
            {
                Simd.AddTo(g.Slice(start, block), grad);
            }

            return;
        }

        var d = Pad(gShape);
        var s = Strides(shape, d);
        var n = d[3];
        var o = 0;
        for (var i0 = 0; i0 < d[0]; i0++)
        {
            for (var i1 = 0; i1 < d[1]; i1++)
            {
                for (var i2 = 0; i2 < d[2]; i2++)
                {
                    var off = (i0 * s[0]) + (i1 * s[1]) + (i2 * s[2]);
                    var row = g.Slice(o, n);
                    if (s[3] == 1)
                    {
                        var dst = grad.Slice(off, n);
                        TensorPrimitives.Add(dst, row, dst);
                    }
                    else
                    {
                        grad[off] += TensorPrimitives.Sum(row);
                    }

                    o += n;
                }
            }
        }
    }

    /// <summary>True when <paramref name="shape"/>, minus leading 1s, is a non-empty suffix of <paramref name="target"/>.</summary>
    private static bool IsTrailingBlock(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        var start = 0;
        while (start < shape.Length && shape[start] == 1)
        {
            start++;
        }

        var core = shape[start..];
        return core.Length > 0 && core.Length <= target.Length && core.SequenceEqual(target[^core.Length..]);
    }

    private static void Row(Op op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(x, y, d); break;
            case Op.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case Op.Multiply: TensorPrimitives.Multiply(x, y, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    private static void RowScalar(Op op, ReadOnlySpan<float> x, float y, Span<float> d)
    {
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(x, y, d); break;
            case Op.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case Op.Multiply: TensorPrimitives.Multiply(x, y, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    private static void ScalarRow(Op op, float x, ReadOnlySpan<float> y, Span<float> d)
    {
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(y, x, d); break;
            case Op.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case Op.Multiply: TensorPrimitives.Multiply(y, x, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    private static float Apply(Op op, float x, float y) => op switch
    {
        Op.Add => x + y,
        Op.Subtract => x - y,
        Op.Multiply => x * y,
        _ => x / y,
    };

    private static int[] Pad(ReadOnlySpan<int> shape)
    {
        var d = new[] { 1, 1, 1, 1 };
        shape.CopyTo(d.AsSpan(4 - shape.Length));
        return d;
    }

    /// <summary>Strides of a right-aligned <paramref name="shape"/> inside the rank-4 <paramref name="target"/>, 0 where broadcast.</summary>
    private static int[] Strides(ReadOnlySpan<int> shape, int[] target)
    {
        var p = Pad(shape);
        var s = new int[4];
        var stride = 1;
        for (var i = 3; i >= 0; i--)
        {
            s[i] = p[i] == 1 && target[i] != 1 ? 0 : stride;
            stride *= p[i];
        }

        return s;
    }
}
