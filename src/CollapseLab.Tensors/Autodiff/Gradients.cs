using System.Numerics.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Autodiff;

/// <summary>
/// Every derivative rule, one method per op, in one place. Each rule reads the output's gradient g and adds into the
/// gradients of the inputs that need one. The comment above each rule is the forward line it differentiates.
/// </summary>
internal static class Gradients
{
    // y = x (reshape view, add of a scalar)
    public static void Identity(Tensor x, Tensor y)
    {
        if (x.RequiresGrad)
        {
            TensorPrimitives.Add(x.Grad, y.Grad, x.Grad);
        }
    }

    // y = a + b (broadcast)
    public static void Add(Tensor a, Tensor b, Tensor y)
    {
        if (a.RequiresGrad)
        {
            Broadcast.SumInto(y.Grad, y.Shape, a.Grad, a.Shape);
        }

        if (b.RequiresGrad)
        {
            Broadcast.SumInto(y.Grad, y.Shape, b.Grad, b.Shape);
        }
    }

    // y = a − b (broadcast)
    public static void Sub(Tensor a, Tensor b, Tensor y)
    {
        if (a.RequiresGrad)
        {
            Broadcast.SumInto(y.Grad, y.Shape, a.Grad, a.Shape);
        }

        if (b.RequiresGrad)
        {
            var negated = Tape.Rent(y.Length, clear: false);
            TensorPrimitives.Negate(y.Grad, negated);
            Broadcast.SumInto(negated, y.Shape, b.Grad, b.Shape);
        }
    }

    // y = a · b (broadcast): da = g·b, db = g·a, each summed back to its shape
    public static void Mul(Tensor a, Tensor b, Tensor y)
    {
        var (gArray, gOffset) = y.GradArray();
        var g = new Tensor(gArray, gOffset, y.ShapeArray);
        var t = Tensor.Uninitialized(y.ShapeArray);
        if (a.RequiresGrad)
        {
            Broadcast.Binary(Broadcast.Op.Multiply, g, b, t);
            Broadcast.SumInto(t.Data, y.Shape, a.Grad, a.Shape);
        }

        if (b.RequiresGrad)
        {
            Broadcast.Binary(Broadcast.Op.Multiply, g, a, t);
            Broadcast.SumInto(t.Data, y.Shape, b.Grad, b.Shape);
        }
    }

    // y = a / b (broadcast): da = g/b, db = −g·y/b
    public static void Div(Tensor a, Tensor b, Tensor y)
    {
        var (gArray, gOffset) = y.GradArray();
        var g = new Tensor(gArray, gOffset, y.ShapeArray);
        var t = Tensor.Uninitialized(y.ShapeArray);
        Broadcast.Binary(Broadcast.Op.Divide, g, b, t);
        if (a.RequiresGrad)
        {
            Broadcast.SumInto(t.Data, y.Shape, a.Grad, a.Shape);
        }

        if (b.RequiresGrad)
        {
            TensorPrimitives.Multiply(t.Data, y.Data, t.Data);
            TensorPrimitives.Negate(t.Data, t.Data);
            Broadcast.SumInto(t.Data, y.Shape, b.Grad, b.Shape);
        }
    }

    // y = s·x
    public static void Scale(Tensor x, float s, Tensor y) => TensorPrimitives.MultiplyAdd(y.Grad, s, x.Grad, x.Grad);

    // y = exp(x): dx = g·y
    public static void Exp(Tensor x, Tensor y) => TensorPrimitives.MultiplyAdd(y.Grad, y.Data, x.Grad, x.Grad);

    // y = log(x): dx = g/x
    public static void Log(Tensor x, Tensor y)
    {
        var t = Tape.Rent(x.Length, clear: false);
        TensorPrimitives.Divide(y.Grad, x.Data, t);
        TensorPrimitives.Add(x.Grad, t, x.Grad);
    }

    // y = tanh(x): dx = g·(1 − y²)
    public static void Tanh(Tensor x, Tensor y)
    {
        var t = Tape.Rent(x.Length, clear: false);
        TensorPrimitives.Multiply(y.Data, y.Data, t);
        TensorPrimitives.Subtract(1f, t, t);
        TensorPrimitives.MultiplyAdd(t, y.Grad, x.Grad, x.Grad);
    }

    // y = sigmoid(x): dx = g·y·(1 − y)
    public static void Sigmoid(Tensor x, Tensor y)
    {
        var t = Tape.Rent(x.Length, clear: false);
        TensorPrimitives.Subtract(1f, y.Data, t);
        TensorPrimitives.Multiply(t, y.Data, t);
        TensorPrimitives.MultiplyAdd(t, y.Grad, x.Grad, x.Grad);
    }

    // y = max(x, 0): dx = g where x > 0
    public static void Relu(Tensor x, Tensor y)
    {
        var g = y.Grad;
        var xs = x.Data;
        var dx = x.Grad;
        for (var i = 0; i < dx.Length; i++)
        {
            if (xs[i] > 0f)
            {
                dx[i] += g[i];
            }
        }
    }

    // y = gelu(x)
    public static void Gelu(Tensor x, Tensor y, GeluApproximation approximation)
    {
        var (dy, dyOffset) = y.GradArray();
        var (dx, dxOffset) = x.GradArray();
        GeluKernels.BackwardAdd(x.Storage, x.Offset, dy, dyOffset, dx, dxOffset, x.Length, approximation);
    }

    // y = scale·Σ x (all elements)
    public static void SumAll(Tensor x, Tensor y, float scale) => TensorPrimitives.Add(x.Grad, y.Grad[0] * scale, x.Grad);

    // y[o,i] = scale·Σ_k x[o,k,i]: dx[o,k,i] += scale·g[o,i]
    public static void SumAxis(Tensor x, Tensor y, int axis, float scale)
    {
        var (outer, n, inner) = Shapes.Split(x.Shape, axis);
        var g = y.Grad;
        var dx = x.Grad;
        for (var o = 0; o < outer; o++)
        {
            var go = g.Slice(o * inner, inner);
            for (var k = 0; k < n; k++)
            {
                var d = dx.Slice(((o * n) + k) * inner, inner);
                TensorPrimitives.MultiplyAdd(go, scale, d, d);
            }
        }
    }

    // y[o,i] = x[o, arg[o,i], i]
    public static void MaxAxis(Tensor x, Tensor y, int axis, int[] arg)
    {
        var (outer, n, inner) = Shapes.Split(x.Shape, axis);
        var g = y.Grad;
        var dx = x.Grad;
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                dx[(((o * n) + arg[(o * inner) + i]) * inner) + i] += g[(o * inner) + i];
            }
        }
    }

    // y = op(a)·op(b): d op(a) = g·op(b)ᵀ, d op(b) = op(a)ᵀ·g, per batch
    public static void MatMul(Tensor a, Tensor b, Tensor y, bool transA, bool transB)
    {
        var gemm = Compute.Current.Gemm;
        var (ar, ac) = (a.Shape[^2], a.Shape[^1]);
        var (br, bc) = (b.Shape[^2], b.Shape[^1]);
        var (m, n) = (y.Shape[^2], y.Shape[^1]);
        var k = transA ? ar : ac;
        var shared = b.Rank == 2;
        var batch = y.Length / Math.Max(1, m * n);
        var g = y.Grad;
        if (shared && !transA)
        {
            // the batch is folded into the rows of a: a is (batch·M, K)
            m *= batch;
            batch = 1;
        }

        var aSize = shared && !transA ? a.Length : ar * ac;
        var bStride = shared ? 0 : br * bc;
        for (var i = 0; i < batch; i++)
        {
            var gi = g.Slice(i * m * n, m * n);
            if (a.RequiresGrad)
            {
                var da = a.Grad.Slice(i * aSize, aSize);
                var bi = b.Data.Slice(i * bStride, br * bc);
                if (transA)
                {
                    gemm.Sgemm(transB, true, k, m, n, 1f, bi, bc, gi, n, 1f, da, ac);
                }
                else
                {
                    gemm.Sgemm(false, !transB, m, k, n, 1f, gi, n, bi, bc, 1f, da, ac);
                }
            }

            if (b.RequiresGrad)
            {
                var ai = a.Data.Slice(i * aSize, aSize);
                var db = b.Grad.Slice(i * bStride, br * bc);
                if (transB)
                {
                    gemm.Sgemm(true, transA, n, k, m, 1f, gi, n, ai, ac, 1f, db, bc);
                }
                else
                {
                    gemm.Sgemm(!transA, false, k, n, m, 1f, ai, ac, gi, n, 1f, db, bc);
                }
            }
        }
    }

    // y = x·Wᵀ + bias: dx = g·W, dW = gᵀ·x, dbias = Σ_rows g
    public static void Linear(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        var gemm = Compute.Current.Gemm;
        var (oc, c) = (weight.Shape[0], weight.Shape[1]);
        var rows = y.Length / Math.Max(1, oc);
        var g = y.Grad;
        if (x.RequiresGrad)
        {
            gemm.Sgemm(false, false, rows, c, oc, 1f, g, oc, weight.Data, c, 1f, x.Grad, c);
        }

        if (weight.RequiresGrad)
        {
            gemm.Sgemm(true, false, oc, c, rows, 1f, g, oc, x.Data, c, 1f, weight.Grad, c);
        }

        if (bias is { RequiresGrad: true })
        {
            var db = bias.Grad;
            for (var r = 0; r < rows; r++)
            {
                Simd.AddTo(g.Slice(r * oc, oc), db);
            }
        }
    }

    // y = transpose(x): dx = the inverse permutation of g (a swap is its own inverse)
    public static void Transpose(Tensor x, Tensor y, int[] perm)
    {
        var t = Tape.Rent(x.Length, clear: false);
        Ops.Permute(y.Grad, y.ShapeArray, perm, t);
        TensorPrimitives.Add(x.Grad, t, x.Grad);
    }

    // y = concat(xs, axis): each x gets its own window of g
    public static void Concat(Tensor[] xs, Tensor y, int axis)
    {
        var (outer, total, inner) = Shapes.Split(y.Shape, axis);
        var g = y.Grad;
        var start = 0;
        foreach (var x in xs)
        {
            var width = x.Shape[axis] * inner;
            if (x.RequiresGrad)
            {
                var dx = x.Grad;
                for (var o = 0; o < outer; o++)
                {
                    var d = dx.Slice(o * width, width);
                    TensorPrimitives.Add(d, g.Slice((o * total * inner) + (start * inner), width), d);
                }
            }

            start += x.Shape[axis];
        }
    }

    // y = x[..., start:start+len, ...] along axis
    public static void Slice(Tensor x, Tensor y, int axis, int start)
    {
        var (outer, n, inner) = Shapes.Split(x.Shape, axis);
        var width = y.Shape[axis] * inner;
        var g = y.Grad;
        var dx = x.Grad;
        for (var o = 0; o < outer; o++)
        {
            var d = dx.Slice(((o * n) + start) * inner, width);
            TensorPrimitives.Add(d, g.Slice(o * width, width), d);
        }
    }

    // y = softmax(x) per row: dx = y·(g − Σ g·y)
    public static void Softmax(Tensor x, Tensor y)
    {
        var c = x.Shape[^1];
        var t = new float[c];
        for (var r = 0; r < x.Length / Math.Max(1, c); r++)
        {
            var yr = y.Data.Slice(r * c, c);
            var gr = y.Grad.Slice(r * c, c);
            TensorPrimitives.Subtract(gr, TensorPrimitives.Dot(gr, yr), t);
            var d = x.Grad.Slice(r * c, c);
            TensorPrimitives.MultiplyAdd(t, yr, d, d);
        }
    }

    // y = log_softmax(x) per row: dx = g − exp(y)·Σ g
    public static void LogSoftmax(Tensor x, Tensor y)
    {
        var c = x.Shape[^1];
        var t = new float[c];
        for (var r = 0; r < x.Length / Math.Max(1, c); r++)
        {
            var gr = y.Grad.Slice(r * c, c);
            TensorPrimitives.Exp(y.Data.Slice(r * c, c), t);
            TensorPrimitives.Multiply(t, -TensorPrimitives.Sum(gr), t);
            TensorPrimitives.Add(t, gr, t);
            var d = x.Grad.Slice(r * c, c);
            TensorPrimitives.Add(d, t, d);
        }
    }

    // y = mean_r(lse_r − logits[r, target_r]): dlogits = (softmax − onehot)·g/rows
    public static void CrossEntropy(Tensor logits, int[] targets, float[] probs, Tensor y)
    {
        var v = logits.Shape[^1];
        var scale = y.Grad[0] / targets.Length;
        var d = logits.Grad;
        TensorPrimitives.MultiplyAdd(probs, scale, d, d);
        for (var r = 0; r < targets.Length; r++)
        {
            d[(r * v) + targets[r]] -= scale;
        }
    }

    // y = scale·Σ max(x,0) − x·z + log(1 + e^−|x|): dx = scale·g·(σ(x) − z), dz = −scale·g·x
    public static void BceWithLogits(Tensor logits, Tensor targets, Tensor y, float scale)
    {
        var s = y.Grad[0] * scale;
        if (logits.RequiresGrad)
        {
            var t = Tape.Rent(logits.Length, clear: false);
            TensorPrimitives.Sigmoid(logits.Data, t);
            TensorPrimitives.Subtract(t, targets.Data, t);
            TensorPrimitives.MultiplyAdd(t, s, logits.Grad, logits.Grad);
        }

        if (targets.RequiresGrad)
        {
            TensorPrimitives.MultiplyAdd(logits.Data, -s, targets.Grad, targets.Grad);
        }
    }

    // y = layer_norm(x, weight, bias) with the saved mean and rstd
    public static void LayerNorm(Tensor x, Tensor weight, Tensor bias, Tensor y, float[] mean, float[] rstd)
    {
        var (dy, dyOffset) = y.GradArray();
        var (dx, dxOffset) = x.RequiresGrad ? x.GradArray() : (null, 0);
        LayerNormKernels.Backward(x.Storage, x.Offset, weight.Storage, weight.Offset, mean, rstd, dy, dyOffset, dx, dxOffset,
            weight.RequiresGrad ? weight.Grad : default, bias.RequiresGrad ? bias.Grad : default, x.Shape[^1]);
    }

    // y[i] = weight[ids[i]]: dweight[ids[i]] += g[i], in order, so repeated ids sum deterministically
    public static void Embedding(Tensor weight, int[] ids, Tensor y)
    {
        var c = weight.Shape[1];
        var g = y.Grad;
        var dw = weight.Grad;
        for (var i = 0; i < ids.Length; i++)
        {
            Simd.AddTo(g.Slice(i * c, c), dw.Slice(ids[i] * c, c));
        }
    }

    // y = causal_self_attention(qkv) with the saved attention weights
    public static void CausalSelfAttention(Tensor qkv, Tensor y, float[] att, int heads)
    {
        var (b, t, c3) = (qkv.Shape[0], qkv.Shape[1], qkv.Shape[2]);
        var (dy, dyOffset) = y.GradArray();
        var (dqkv, dOffset) = qkv.GradArray();
        AttentionKernels.Backward(qkv.Storage, qkv.Offset, att, dy, dyOffset, dqkv, dOffset, b, t, c3 / 3, heads, Compute.Current.Threads);
    }

    // y = x·mask
    public static void Dropout(Tensor x, Tensor y, float[] mask) => TensorPrimitives.MultiplyAdd(y.Grad, mask, x.Grad, x.Grad);

    // y = conv2d(x, weight, bias) = W·col + bias with col = im2col(x):
    // dW = Σ_b g_b·col_bᵀ, dcol_b = Wᵀ·g_b, dx_b = col2im(dcol_b), dbias = Σ g over (b, oh, ow)
    public static void Conv2d(Tensor x, Tensor weight, Tensor? bias, Tensor y, ConvGeometry geometry)
    {
        var (dy, dyOffset) = y.GradArray();
        var (dx, dxOffset) = x.RequiresGrad ? x.GradArray() : (null, 0);
        var (dw, dwOffset) = weight.RequiresGrad ? weight.GradArray() : (null, 0);
        ConvKernels.Backward(geometry, x.Storage, x.Offset, weight.Storage, weight.Offset, weight.Shape[0], dy, dyOffset,
            dw, dwOffset, dx, dxOffset, bias is { RequiresGrad: true } ? bias.Grad : default);
    }

    // y[b,c,i,j] = x[b,c,i/f,j/f]: dx[b,c,h,w] = Σ of g over its f×f block
    public static void UpsampleNearest(Tensor x, Tensor y, int factor)
    {
        var (planes, h, w) = (x.Shape[0] * x.Shape[1], x.Shape[2], x.Shape[3]);
        var yw = w * factor;
        var g = y.Grad;
        var dx = x.Grad;
        for (var p = 0; p < planes; p++)
        {
            for (var i = 0; i < h * factor; i++)
            {
                var src = g.Slice((p * h * factor * yw) + (i * yw), yw);
                var dst = dx.Slice((p * h * w) + (i / factor * w), w);
                for (var j = 0; j < w; j++)
                {
                    dst[j] += TensorPrimitives.Sum(src.Slice(j * factor, factor));
                }
            }
        }
    }

    // y = group_norm(x, groups, weight, bias) with the saved mean and rstd
    public static void GroupNorm(Tensor x, Tensor weight, Tensor bias, Tensor y, float[] mean, float[] rstd, int groups)
    {
        var (b, c) = (x.Shape[0], x.Shape[1]);
        var (dy, dyOffset) = y.GradArray();
        var (dx, dxOffset) = x.RequiresGrad ? x.GradArray() : (null, 0);
        GroupNormKernels.Backward(x.Storage, x.Offset, weight.Data, mean, rstd, dy, dyOffset, dx, dxOffset,
            weight.RequiresGrad ? weight.Grad : default, bias.RequiresGrad ? bias.Grad : default, b, c, x.Length / Math.Max(1, b * c), groups);
    }

    // y = x·σ(x): dx = g·σ(x)·(1 + x·(1 − σ(x))). In the forward's fixed chunks, on the compute's threads, with
    // cache-sized temporaries; each element sees the same operations as in one call over the whole array.
    public static void Silu(Tensor x, Tensor y)
    {
        var (xs, xo, length) = (x.Storage, x.Offset, x.Length);
        var (g, go) = y.GradArray();
        var (dx, dxo) = x.GradArray();
        Parallelism.For(Parallelism.Pieces(length, Ops.SiluChunk), Ops.SiluChunk * 8, piece =>
        {
            var s = piece * Ops.SiluChunk;
            var n = Math.Min(Ops.SiluChunk, length - s);
            var xc = xs.AsSpan(xo + s, n);
            var d = dx.AsSpan(dxo + s, n);
            Span<float> sigma = stackalloc float[n];
            Span<float> factor = stackalloc float[n];
            TensorPrimitives.Sigmoid(xc, sigma);
            TensorPrimitives.Subtract(1f, sigma, factor);
            TensorPrimitives.MultiplyAdd(xc, factor, 1f, factor);
            TensorPrimitives.Multiply(factor, sigma, factor);
            TensorPrimitives.MultiplyAdd(g.AsSpan(go + s, n), factor, d, d);
        });
    }

    // y = x·rstd·w with rstd = 1/√(mean(x²)+eps): dw += Σ_rows g·x·rstd;
    // dx = rstd·(g·w) − x·rstd³/C·Σ_j g_j w_j x_j
    public static void RmsNorm(Tensor x, Tensor weight, Tensor y, float[] rstd)
    {
        var c = x.Shape[^1];
        var rows = c == 0 ? 0 : x.Length / c;
        var xs = x.Data;
        var w = weight.Data;
        var g = y.Grad;
        var dx = x.RequiresGrad ? x.Grad : default;
        var dw = weight.RequiresGrad ? weight.Grad : default;
        for (var r = 0; r < rows; r++)
        {
            var s = rstd[r];
            var xr = xs.Slice(r * c, c);
            var gr = g.Slice(r * c, c);
            var dot = 0f;
            for (var i = 0; i < c; i++)
            {
                dot += gr[i] * w[i] * xr[i];
                if (!dw.IsEmpty)
                {
                    dw[i] += gr[i] * xr[i] * s;
                }
            }

            if (!dx.IsEmpty)
            {
                var k = s * s * s * dot / c;
                var dr = dx.Slice(r * c, c);
                for (var i = 0; i < c; i++)
                {
                    dr[i] += (s * gr[i] * w[i]) - (xr[i] * k);
                }
            }
        }
    }

    // y = rotary(x): the rotation is orthogonal, so dx += rotate(g) by the opposite angles
    public static void Rotary(Tensor x, Tensor y, float[] cos, float[] sin, int heads)
    {
        var (b, t, c) = (x.Shape[0], x.Shape[1], x.Shape[2]);
        var back = Tape.Rent(x.Length, clear: false);
        Ops.Rotate(y.Grad, back, cos, sin, b, t, c / heads, heads, -1f);
        TensorPrimitives.Add(x.Grad, back, x.Grad);
    }
}
