using System.Numerics.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors;

/// <summary>How a per-element loss is reduced to one number.</summary>
public enum Reduction
{
    Mean,
    Sum,
}

public static partial class Ops
{
    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x)
    {
        var c = x.Shape[^1];
        var y = Tensor.Uninitialized(x.ShapeArray);
        for (var r = 0; r < x.Length / Math.Max(c, 1); r++)
        {
            SoftmaxKernels.Softmax(x.Data.Slice(r * c, c), y.Data.Slice(r * c, c));
        }

        return Tape.Add(y, [x], () => Gradients.Softmax(x, y));
    }

    /// <summary>Log-softmax over the last axis.</summary>
    public static Tensor LogSoftmax(Tensor x)
    {
        var c = x.Shape[^1];
        var y = Tensor.Uninitialized(x.ShapeArray);
        for (var r = 0; r < x.Length / Math.Max(c, 1); r++)
        {
            SoftmaxKernels.LogSoftmax(x.Data.Slice(r * c, c), y.Data.Slice(r * c, c));
        }

        return Tape.Add(y, [x], () => Gradients.LogSoftmax(x, y));
    }

    /// <summary>
    /// Mean over rows of −log softmax(logits)[target], fused: logits is (…,V), targets holds one class per row.
    /// The softmax is kept for the backward pass.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> targets)
    {
        var v = logits.Shape[^1];
        var rows = logits.Length / Math.Max(v, 1);
        if (targets.Length != rows)
        {
            throw new ArgumentException($"cross_entropy: logits {Shapes.Format(logits.Shape)} have {rows} rows but there are {targets.Length} targets");
        }

        var probs = Tape.Rent(logits.Length, clear: false);
        var total = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var target = targets[r];
            if ((uint)target >= (uint)v)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), $"cross_entropy: target {target} at row {r} is outside [0, {v})");
            }

            var p = probs.AsSpan(r * v, v);
            var lse = SoftmaxKernels.LogSoftmax(logits.Data.Slice(r * v, v), p);
            total += lse - logits.Data[(r * v) + target];
            TensorPrimitives.Exp(p, p);
        }

        var y = Tensor.Scalar((float)(total / rows));
        var t = targets.ToArray();
        return Tape.Add(y, [logits], () => Gradients.CrossEntropy(logits, t, probs, y));
    }

    /// <summary>
    /// Binary cross-entropy on logits: max(x,0) − x·y + log(1 + e^−|x|), reduced by mean or sum. Stable for any x,
    /// equal to BCE(sigmoid(x), y) as PyTorch's binary_cross_entropy_with_logits.
    /// </summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        Shapes.RequireEqual(logits, targets, "bce_with_logits");
        var x = logits.Data;
        var z = targets.Data;
        var total = 0.0;
        const int Chunk = 4096;
        Span<float> t = stackalloc float[Chunk];
        Span<float> u = stackalloc float[Chunk];
        for (var s = 0; s < x.Length; s += Chunk)
        {
            var n = Math.Min(Chunk, x.Length - s);
            var xs = x.Slice(s, n);
            var ts = t[..n];
            var us = u[..n];
            // log(1 + e^−|x|)
            TensorPrimitives.Abs(xs, ts);
            TensorPrimitives.Negate(ts, ts);
            TensorPrimitives.Exp(ts, ts);
            TensorPrimitives.Add(ts, 1f, ts);
            TensorPrimitives.Log(ts, ts);
            // + max(x, 0) − x·z
            TensorPrimitives.Max(xs, 0f, us);
            TensorPrimitives.Add(ts, us, ts);
            TensorPrimitives.Multiply(xs, z.Slice(s, n), us);
            TensorPrimitives.Subtract(ts, us, ts);
            total += TensorPrimitives.Sum(ts);
        }
        var scale = reduction == Reduction.Mean ? 1f / Math.Max(1, x.Length) : 1f;
        var y = Tensor.Scalar((float)(total * scale));
        return Tape.Add(y, [logits, targets], () => Gradients.BceWithLogits(logits, targets, y, scale));
    }
}
