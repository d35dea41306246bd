using CollapseLab.Tensors.Autodiff;

namespace CollapseLab.Tensors;

public static partial class Ops
{
    /// <summary>Same data, new shape (a view); one dimension may be −1 and is inferred.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var resolved = (int[])shape.Clone();
        var infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            resolved[infer] = 1;
            var rest = Shapes.Count(resolved);
            resolved[infer] = rest == 0 ? 0 : x.Length / rest;
        }

        if (Shapes.Count(resolved) != x.Length || resolved.Any(d => d < 0))
        {
            throw new ArgumentException($"reshape: cannot view {Shapes.Format(x.Shape)} as {Shapes.Format(shape)}");
        }

        var y = new Tensor(x.Storage, x.Offset, resolved);
        return Tape.Add(y, [x], () => Gradients.Identity(x, y));
    }

    /// <summary>Swaps two axes, copying the data into the new row-major order.</summary>
    public static Tensor Transpose(Tensor x, int axis0, int axis1)
    {
        var a0 = Shapes.Axis(axis0, x.Rank, "transpose");
        var a1 = Shapes.Axis(axis1, x.Rank, "transpose");
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[a0], perm[a1]) = (perm[a1], perm[a0]);
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        var y = Tensor.Uninitialized(outShape);
        Permute(x.Data, x.ShapeArray, perm, y.Data);
        return Tape.Add(y, [x], () => Gradients.Transpose(x, y, perm));
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; every other dimension must agree.</summary>
    public static Tensor Concat(Tensor[] xs, int axis)
    {
        if (xs.Length == 0)
        {
            throw new ArgumentException("concat: needs at least one tensor");
        }

        var a = Shapes.Axis(axis, xs[0].Rank, "concat");
        var total = 0;
        foreach (var t in xs)
        {
            if (t.Rank != xs[0].Rank || Enumerable.Range(0, t.Rank).Any(i => i != a && t.Shape[i] != xs[0].Shape[i]))
            {
                throw new ArgumentException($"concat: shapes {Shapes.Format(xs[0].Shape)} and {Shapes.Format(t.Shape)} differ outside axis {a}");
            }

            total += t.Shape[a];
        }

        var outShape = xs[0].ShapeArray.ToArray();
        outShape[a] = total;
        var y = Tensor.Uninitialized(outShape);
        var (outer, _, inner) = Shapes.Split(outShape, a);
        var start = 0;
        foreach (var t in xs)
        {
            var width = t.Shape[a] * inner;
            for (var o = 0; o < outer; o++)
            {
                t.Data.Slice(o * width, width).CopyTo(y.Data.Slice((o * total * inner) + (start * inner), width));
            }

            start += t.Shape[a];
        }

        var inputs = (Tensor[])xs.Clone();
        return Tape.Add(y, inputs, () => Gradients.Concat(inputs, y, a));
    }

    /// <summary>Elements [start, start+length) along <paramref name="axis"/>; a view when the axis is the outermost non-unit one.</summary>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        var a = Shapes.Axis(axis, x.Rank, "slice");
        if (start < 0 || length < 0 || start + length > x.Shape[a])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"slice: [{start}, {start + length}) is outside axis {a} of {Shapes.Format(x.Shape)}");
        }

        var outShape = x.ShapeArray.ToArray();
        outShape[a] = length;
        var (outer, n, inner) = Shapes.Split(x.Shape, a);
        Tensor y;
        if (outer == 1)
        {
            y = new Tensor(x.Storage, x.Offset + (start * inner), outShape);
        }
        else
        {
            y = Tensor.Uninitialized(outShape);
            for (var o = 0; o < outer; o++)
            {
                x.Data.Slice(((o * n) + start) * inner, length * inner).CopyTo(y.Data.Slice(o * length * inner, length * inner));
            }
        }

        return Tape.Add(y, [x], () => Gradients.Slice(x, y, a, start));
    }

    /// <summary>destination = x with axes reordered so that destination axis i is x axis perm[i].</summary>
    internal static void Permute(ReadOnlySpan<float> x, int[] shape, int[] perm, Span<float> destination)
    {
        var rank = shape.Length;
        var inStrides = new int[rank];
        var stride = 1;
        for (var i = rank - 1; i >= 0; i--)
        {
            inStrides[i] = stride;
            stride *= shape[i];
        }

        // Pad to rank 4 so one loop nest serves every rank.
        var d = new[] { 1, 1, 1, 1 };
        var s = new int[4];
        for (var i = 0; i < rank; i++)
        {
            d[4 - rank + i] = shape[perm[i]];
            s[4 - rank + i] = inStrides[perm[i]];
        }

        var o = 0;
        for (var i0 = 0; i0 < d[0]; i0++)
        {
            for (var i1 = 0; i1 < d[1]; i1++)
            {
                for (var i2 = 0; i2 < d[2]; i2++)
                {
                    var off = (i0 * s[0]) + (i1 * s[1]) + (i2 * s[2]);
                    for (var i3 = 0; i3 < d[3]; i3++)
                    {
                        destination[o++] = x[off + (i3 * s[3])];
                    }
                }
            }
        }
    }
}
