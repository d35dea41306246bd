using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Causal multi-head self-attention, fused. qkv is (B,T,3C) with q, k, v side by side as nn.Linear(C, 3C) produces
/// them; head h uses columns [h·hs, (h+1)·hs) of each, hs = C/NH. Work is split by (batch, head); each pair writes
/// only its own columns, so the result does not depend on the thread count.
/// </summary>
internal static class AttentionKernels
{
    /// <summary>att[b,h,t,:t+1] = softmax(q_t·k_s / √hs), zero above the diagonal; y[b,t,h] = Σ_s att[t,s]·v_s.</summary>
    public static void Forward(float[] qkv, int qkvOffset, float[] y, int yOffset, float[] att, int b, int t, int c, int nh, int threads)
    {
        var hs = c / nh;
        var scale = 1f / MathF.Sqrt(hs);
        Parallel.For(0, b * nh, new ParallelOptions { MaxDegreeOfParallelism = threads }, bh =>
        {
            var bi = bh / nh;
            var h = bh % nh;
            var q = qkv.AsSpan(qkvOffset + (bi * t * 3 * c));
            var ys = y.AsSpan(yOffset + (bi * t * c));
            var a = att.AsSpan(bh * t * t, t * t);
            for (var i = 0; i < t; i++)
            {
                // row i of (B,NH,T,T): scores against keys 0..i
                var row = a.Slice(i * t, t);
                var qi = q.Slice((i * 3 * c) + (h * hs), hs);
                for (var j = 0; j <= i; j++)
                {
                    row[j] = TensorPrimitives.Dot(qi, q.Slice((j * 3 * c) + c + (h * hs), hs)) * scale;
                }

                SoftmaxKernels.Softmax(row[..(i + 1)], row[..(i + 1)]);
                row[(i + 1)..].Clear();
                var yi = ys.Slice((i * c) + (h * hs), hs);
                yi.Clear();
                for (var j = 0; j <= i; j++)
                {
                    TensorPrimitives.MultiplyAdd(q.Slice((j * 3 * c) + (2 * c) + (h * hs), hs), row[j], yi, yi);
                }
            }
        });
    }

    /// <summary>Adds into dqkv the gradient of the forward pass above, given dy (B,T,C) and the saved att.</summary>
    public static void Backward(float[] qkv, int qkvOffset, float[] att, float[] dy, int dyOffset, float[] dqkv, int dqkvOffset,
        int b, int t, int c, int nh, int threads)
    {
        var hs = c / nh;
        var scale = 1f / MathF.Sqrt(hs);
        Parallel.For(0, b * nh, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[t], (bh, _, datt) =>
        {
            var bi = bh / nh;
            var h = bh % nh;
            var q = qkv.AsSpan(qkvOffset + (bi * t * 3 * c));
            var dq = dqkv.AsSpan(dqkvOffset + (bi * t * 3 * c));
            var dys = dy.AsSpan(dyOffset + (bi * t * c));
            var a = att.AsSpan(bh * t * t, t * t);
            for (var i = 0; i < t; i++)
            {
                var row = a.Slice(i * t, i + 1);
                var dyi = dys.Slice((i * c) + (h * hs), hs);
                var d = datt.AsSpan(0, i + 1);
                for (var j = 0; j <= i; j++)
                {
                    // y_i = Σ_j att[i,j]·v_j: datt[i,j] = dy_i·v_j, dv_j += att[i,j]·dy_i
                    var vOff = (j * 3 * c) + (2 * c) + (h * hs);
                    d[j] = TensorPrimitives.Dot(dyi, q.Slice(vOff, hs));
                    var dv = dq.Slice(vOff, hs);
                    TensorPrimitives.MultiplyAdd(dyi, row[j], dv, dv);
                }

                // att = softmax(s): ds_j = att_j·(datt_j − Σ att·datt)
                var dot = TensorPrimitives.Dot(row, d);
                TensorPrimitives.Subtract(d, dot, d);
                TensorPrimitives.Multiply(d, row, d);
                TensorPrimitives.Multiply(d, scale, d);
                // s_ij = q_i·k_j·scale: dq_i += ds_j·k_j, dk_j += ds_j·q_i
                var qOff = (i * 3 * c) + (h * hs);
                var dqi = dq.Slice(qOff, hs);
                var qi = q.Slice(qOff, hs);
                for (var j = 0; j <= i; j++)
                {
                    var kOff = (j * 3 * c) + c + (h * hs);
                    TensorPrimitives.MultiplyAdd(q.Slice(kOff, hs), d[j], dqi, dqi);
                    var dk = dq.Slice(kOff, hs);
                    TensorPrimitives.MultiplyAdd(qi, d[j], dk, dk);
                }
            }

            return datt;
        }, _ => { });
    }
}
