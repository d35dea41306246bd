using System.Numerics.Tensors;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Causal multi-head self-attention, fused. qkv is (B,T,3C) with q, k, v side by side as nn.Linear(C, 3C) produces
/// them; head h uses columns [h·hs, (h+1)·hs) of each, hs = C/NH. Work is split by (batch, head); each pair writes
/// only its own columns, so the result does not depend on the thread count. Scores are computed a row at a time
/// against a transposed copy of K (hs, T), so the inner loop runs along keys in whole vectors.
/// </summary>
internal static class AttentionKernels
{
    /// <summary>att[b,h,i,:i+1] = softmax(q_i·k_j / √hs), zero above the diagonal; y[b,i,h] = Σ_j att[i,j]·v_j.</summary>
    public static void Forward(float[] qkv, int qkvOffset, float[] y, int yOffset, float[] att, int b, int t, int c, int nh, int threads)
    {
        var hs = c / nh;
        var tp = (t + 7) / 8 * 8;
        var scale = 1f / MathF.Sqrt(hs);
        Parallel.For(0, b * nh, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[(hs * tp) + tp + hs], (bh, _, buf) =>
        {
            var bi = bh / nh;
            var h = bh % nh;
            var x = qkv.AsSpan(qkvOffset + (bi * t * 3 * c), t * 3 * c);
            var kt = buf.AsSpan(0, hs * tp);
            var row = buf.AsSpan(hs * tp, tp);
            var yi = buf.AsSpan((hs * tp) + tp, hs);
            // kt is (hs, Tp): K of this head transposed, zero-padded past T
            Transpose(x, 3 * c, c + (h * hs), t, hs, kt, tp);
            var a = att.AsSpan(bh * t * t, t * t);
            for (var i = 0; i < t; i++)
            {
                var n = i + 1;
                var nb = (n + 7) / 8 * 8;
                // row[j] = scale·q_i·k_j for j ≤ i
                row[..nb].Clear();
                var qi = x.Slice((i * 3 * c) + (h * hs), hs);
                for (var d = 0; d < hs; d++)
                {
                    Simd.Axpy(qi[d] * scale, kt.Slice(d * tp, nb), row);
                }

                var ai = a.Slice(i * t, t);
                var max = Simd.Max(row[..n]);
                for (var j = 0; j < n; j++)
                {
                    ai[j] = row[j] - max;
                }

                ai[n..].Fill(float.NegativeInfinity);
            }

            // exp over the whole (T,T) block at once: exp(−inf) = 0 masks the future
            TensorPrimitives.Exp(a, a);
            var ys = y.AsSpan(yOffset + (bi * t * c), t * c);
            for (var i = 0; i < t; i++)
            {
                var ai = a.Slice(i * t, i + 1);
                var inv = 1f / Simd.Sum(ai);
                for (var j = 0; j <= i; j++)
                {
                    ai[j] *= inv;
                }

                // y_i = Σ_j att[i,j]·v_j
                yi.Clear();
                for (var j = 0; j <= i; j++)
                {
                    Simd.Axpy(ai[j], x.Slice((j * 3 * c) + (2 * c) + (h * hs), hs), yi);
                }

                yi.CopyTo(ys.Slice((i * c) + (h * hs), hs));
            }

            return buf;
        }, _ => { });
    }

    /// <summary>Adds into dqkv the gradient of the forward pass above, given dy (B,T,C) and the saved att.</summary>
    public static void Backward(float[] qkv, int qkvOffset, float[] att, float[] dy, int dyOffset, float[] dqkv, int dqkvOffset,
        int b, int t, int c, int nh, int threads)
    {
        var hs = c / nh;
        var tp = (t + 7) / 8 * 8;
        var scale = 1f / MathF.Sqrt(hs);
        Parallel.For(0, b * nh, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[(hs * tp) + tp + (3 * t * hs)], (bh, _, buf) =>
        {
            var bi = bh / nh;
            var h = bh % nh;
            var x = qkv.AsSpan(qkvOffset + (bi * t * 3 * c), t * 3 * c);
            var dys = dy.AsSpan(dyOffset + (bi * t * c), t * c);
            var vt = buf.AsSpan(0, hs * tp);
            var datt = buf.AsSpan(hs * tp, tp);
            var dq = buf.AsSpan((hs * tp) + tp, t * hs);
            var dk = buf.AsSpan((hs * tp) + tp + (t * hs), t * hs);
            var dv = buf.AsSpan((hs * tp) + tp + (2 * t * hs), t * hs);
            dq.Clear();
            dk.Clear();
            dv.Clear();
            // vt is (hs, Tp): V of this head transposed
            Transpose(x, 3 * c, (2 * c) + (h * hs), t, hs, vt, tp);
            var a = att.AsSpan(bh * t * t, t * t);
            for (var i = 0; i < t; i++)
            {
                var n = i + 1;
                var nb = (n + 7) / 8 * 8;
                var ai = a.Slice(i * t, n);
                var dyi = dys.Slice((i * c) + (h * hs), hs);
                // y_i = Σ_j att[i,j]·v_j: datt[i,j] = dy_i·v_j and dv_j += att[i,j]·dy_i
                datt[..nb].Clear();
                for (var d = 0; d < hs; d++)
                {
                    Simd.Axpy(dyi[d], vt.Slice(d * tp, nb), datt);
                }

                for (var j = 0; j < n; j++)
                {
                    Simd.Axpy(ai[j], dyi, dv.Slice(j * hs, hs));
                }

                // att_i = softmax(s_i): ds_ij = att_ij·(datt_ij − Σ_j att_ij·datt_ij); s_ij = scale·q_i·k_j
                var dot = Simd.Dot(ai, datt);
                var qi = x.Slice((i * 3 * c) + (h * hs), hs);
                var dqi = dq.Slice(i * hs, hs);
                for (var j = 0; j < n; j++)
                {
                    var ds = ai[j] * (datt[j] - dot) * scale;
                    // dq_i += ds·k_j, dk_j += ds·q_i
                    Simd.Axpy(ds, x.Slice((j * 3 * c) + c + (h * hs), hs), dqi);
                    Simd.Axpy(ds, qi, dk.Slice(j * hs, hs));
                }
            }

            var dx = dqkv.AsSpan(dqkvOffset + (bi * t * 3 * c), t * 3 * c);
            for (var i = 0; i < t; i++)
            {
                Simd.AddTo(dq.Slice(i * hs, hs), dx.Slice((i * 3 * c) + (h * hs), hs));
                Simd.AddTo(dk.Slice(i * hs, hs), dx.Slice((i * 3 * c) + c + (h * hs), hs));
                Simd.AddTo(dv.Slice(i * hs, hs), dx.Slice((i * 3 * c) + (2 * c) + (h * hs), hs));
            }

            return buf;
        }, _ => { });
    }

    /// <summary>destination (hs, tp) = the (t, hs) block of x starting at column <paramref name="column"/>, transposed and zero-padded.</summary>
    private static void Transpose(ReadOnlySpan<float> x, int rowStride, int column, int t, int hs, Span<float> destination, int tp)
    {
        destination.Clear();
        for (var j = 0; j < t; j++)
        {
            var src = x.Slice((j * rowStride) + column, hs);
            for (var d = 0; d < hs; d++)
            {
                destination[(d * tp) + j] = src[d];
            }
        }
    }
}
