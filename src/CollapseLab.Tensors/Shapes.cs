using System.Text;

namespace CollapseLab.Tensors;

/// <summary>Shape arithmetic shared by the ops: counts, axis normalisation, broadcasting, messages.</summary>
internal static class Shapes
{
    public static void Validate(int[] shape)
    {
        if (shape.Length > Tensor.MaxRank)
        {
            throw new ArgumentException($"shape {Format(shape)} has rank {shape.Length}; tensors have rank 4 at most");
        }

        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"shape {Format(shape)} has a negative dimension");
            }
        }
    }

    public static int Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        if (n > int.MaxValue)
        {
            throw new ArgumentException($"shape {Format(shape)} has more than {int.MaxValue} elements");
        }

        return (int)n;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("(");
        for (var i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(shape[i]);
        }

        if (shape.Length == 1)
        {
            sb.Append(',');
        }

        return sb.Append(')').ToString();
    }

    public static int Axis(int axis, int rank, string op)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for rank {rank}");
        }

        return a;
    }

    /// <summary>Product of the dimensions before, at, and after <paramref name="axis"/>.</summary>
    public static (int Outer, int N, int Inner) Split(ReadOnlySpan<int> shape, int axis)
    {
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++)
        {
            outer *= shape[i];
        }

        for (var i = axis + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }

        return (outer, shape[axis], inner);
    }

    /// <summary>NumPy broadcasting: align from the right; each pair of sizes must match or one must be 1.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast together");
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static void RequireEqual(Tensor a, Tensor b, string op)
    {
        if (!Equal(a.Shape, b.Shape))
        {
            throw new ArgumentException($"{op}: shapes {Format(a.Shape)} and {Format(b.Shape)} must be equal");
        }
    }

    public static void RequireRank(Tensor x, int rank, string op, string name)
    {
        if (x.Rank != rank)
        {
            throw new ArgumentException($"{op}: {name} must have rank {rank}, but its shape is {Format(x.Shape)}");
        }
    }
}
