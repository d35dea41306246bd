using System.Globalization;

namespace CollapseLab.Tensors;

/// <summary>
/// A float32 tensor: contiguous, row-major, rank 0 to 4. <see cref="Data"/> is a window of a backing array, so a
/// reshape or a leading-axis slice is a view that shares storage. The gradient lives beside the data with the same
/// layout; a parameter's gradient is a window of its <see cref="ParameterBlock"/>'s flat gradient.
/// </summary>
public sealed class Tensor
{
    public const int MaxRank = 4;

    private readonly int[] shape;
    private float[]? gradStorage;
    private int gradOffset;

    internal Tensor(float[] storage, int offset, int[] shape, float[]? gradStorage = null, int gradOffset = 0)
    {
        Shapes.Validate(shape);
        var length = Shapes.Count(shape);
        if (offset < 0 || offset + length > storage.Length)
        {
            throw new ArgumentException(
                $"a tensor of shape {Shapes.Format(shape)} needs {length} floats at offset {offset}, but storage holds {storage.Length}");
        }

        Storage = storage;
        Offset = offset;
        Length = length;
        this.shape = shape;
        this.gradStorage = gradStorage;
        this.gradOffset = gradOffset;
        RequiresGrad = gradStorage is not null;
    }

    internal float[] Storage { get; }

    internal int Offset { get; }

    /// <summary>Index of the node that produced this tensor on <see cref="Autodiff.Tape.Current"/>, or -1.</summary>
    internal int Node { get; set; } = -1;

    internal Autodiff.Tape? Tape { get; set; }

    public int Length { get; }

    public int Rank => shape.Length;

    public ReadOnlySpan<int> Shape => shape;

    /// <summary>True for parameters and for every tensor computed from one while a tape records.</summary>
    public bool RequiresGrad { get; internal set; }

    public Span<float> Data => Storage.AsSpan(Offset, Length);

    /// <summary>The gradient, allocated (zeroed) on first use.</summary>
    public Span<float> Grad
    {
        get
        {
            if (gradStorage is null)
            {
                // Only tensors an op produced on a recycling tape borrow their gradient from its pool; a leaf keeps its own.
                gradStorage = Tape is { } tape ? tape.RentFor(Length) : new float[Length];
                gradOffset = 0;
            }

            return gradStorage.AsSpan(gradOffset, Length);
        }
    }

    public bool HasGrad => gradStorage is not null;

    /// <summary>The gradient's backing array and offset, for kernels that take arrays.</summary>
    internal (float[] Array, int Offset) GradArray()
    {
        _ = Grad;
        return (gradStorage!, gradOffset);
    }

    /// <summary>The size of an axis; negative axes count from the end.</summary>
    public int Dim(int axis) => shape[Shapes.Axis(axis, Rank, "Dim")];

    internal int[] ShapeArray => shape;

    public static Tensor Zeros(params int[] shape) => new(new float[Shapes.Count(shape)], 0, (int[])shape.Clone());

    /// <summary>Wraps <paramref name="data"/> without copying.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        if (Shapes.Count(shape) != data.Length)
        {
            throw new ArgumentException($"shape {Shapes.Format(shape)} holds {Shapes.Count(shape)} values but the array has {data.Length}");
        }

        return new Tensor(data, 0, (int[])shape.Clone());
    }

    public static Tensor Scalar(float value) => new([value], 0, []);

    /// <summary>A tensor whose storage is not cleared, for outputs that a kernel overwrites in full.</summary>
    internal static Tensor Uninitialized(params int[] shape) =>
        new(Autodiff.Tape.Rent(Shapes.Count(shape), clear: false), 0, shape);

    /// <summary>A fresh tensor with a copy of the data, outside any tape.</summary>
    public Tensor Clone()
    {
        var copy = Zeros(shape);
        Data.CopyTo(copy.Data);
        return copy;
    }

    public float[] ToArray() => Data.ToArray();

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException($"Item needs a tensor with one element, but the shape is {Shapes.Format(shape)}");
        }

        return Storage[Offset];
    }

    /// <summary>Marks a leaf tensor as trainable; its gradient is allocated on first use.</summary>
    public Tensor WithGrad()
    {
        RequiresGrad = true;
        return this;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Tensor{Shapes.Format(shape)}");
}
