using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors;

public static partial class Ops
{
    /// <summary>Layer norm over the last axis of x (…,C) with weight and bias (C), as nn.LayerNorm.</summary>
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps = 1e-5f)
    {
        var c = x.Shape[^1];
        if (weight.Length != c || bias.Length != c)
        {
            throw new ArgumentException(
                $"layer_norm: input {Shapes.Format(x.Shape)} needs weight and bias of ({c},), got {Shapes.Format(weight.Shape)} and {Shapes.Format(bias.Shape)}");
        }

        var rows = x.Length / Math.Max(c, 1);
        var y = Tensor.Uninitialized(x.ShapeArray);
        var mean = Tape.Rent(rows, clear: false);
        var rstd = Tape.Rent(rows, clear: false);
        LayerNormKernels.Forward(x.Storage, x.Offset, weight.Storage, weight.Offset, bias.Storage, bias.Offset, y.Storage, y.Offset, mean, rstd, c, eps);
        return Tape.Add(y, [x, weight, bias], () => Gradients.LayerNorm(x, weight, bias, y, mean, rstd));
    }

    /// <summary>Rows of weight (V,C) picked by ids: the result has shape idsShape + (C).</summary>
    public static Tensor Embedding(Tensor weight, ReadOnlySpan<int> ids, params int[] idsShape)
    {
        Shapes.RequireRank(weight, 2, "embedding", "weight");
        if (Shapes.Count(idsShape) != ids.Length)
        {
            throw new ArgumentException($"embedding: {ids.Length} ids do not fill shape {Shapes.Format(idsShape)}");
        }

        var (v, c) = (weight.Shape[0], weight.Shape[1]);
        var y = Tensor.Uninitialized([.. idsShape, c]);
        for (var i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)v)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"embedding: id {ids[i]} at {i} is outside [0, {v})");
            }

            weight.Data.Slice(ids[i] * c, c).CopyTo(y.Data.Slice(i * c, c));
        }

        var saved = ids.ToArray();
        return Tape.Add(y, [weight], () => Gradients.Embedding(weight, saved, y));
    }

    /// <summary>
    /// Causal self-attention, fused: qkv (B,T,3C) holds q, k, v side by side; the result is (B,T,C) with the heads
    /// concatenated, before the output projection. The attention weights (B,NH,T,T) are kept for the backward pass.
    /// </summary>
    public static Tensor CausalSelfAttention(Tensor qkv, int heads)
    {
        Shapes.RequireRank(qkv, 3, "attention", "qkv");
        var (b, t, c3) = (qkv.Shape[0], qkv.Shape[1], qkv.Shape[2]);
        if (c3 % 3 != 0 || c3 / 3 % heads != 0)
        {
            throw new ArgumentException($"attention: qkv {Shapes.Format(qkv.Shape)} must be (B,T,3C) with C divisible by {heads} heads");
        }

        var c = c3 / 3;
        var y = Tensor.Uninitialized(b, t, c);
        var att = Tape.Rent(b * heads * t * t, clear: false);
        AttentionKernels.Forward(qkv.Storage, qkv.Offset, y.Storage, y.Offset, att, b, t, c, heads, Compute.Current.Threads);
        return Tape.Add(y, [qkv], () => Gradients.CausalSelfAttention(qkv, y, att, heads));
    }

    /// <summary>
    /// Inverted dropout: each element is zeroed with probability p and the rest scaled by 1/(1−p). The mask is a
    /// function of <paramref name="seed"/> only; pass a new seed per step.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, ulong seed)
    {
        if (p is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"dropout: p={p} must be in [0, 1)");
        }

        var rng = new SeededRandom(seed);
        var mask = Tape.Rent(x.Length, clear: false);
        var keep = 1f / (1f - p);
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = rng.NextDouble() < p ? 0f : keep;
        }

        var y = Tensor.Uninitialized(x.ShapeArray);
        System.Numerics.Tensors.TensorPrimitives.Multiply(x.Data, mask, y.Data);
        return Tape.Add(y, [x], () => Gradients.Dropout(x, y, mask));
    }
}
