using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace CollapseLab.Tensors.Kernels;

/// <summary>
/// Causal multi-head self-attention, fused. qkv is (B,T,3C) with q, k, v side by side as nn.Linear(C, 3C) produces
/// them; head h uses columns [h·hs, (h+1)·hs) of each, hs = C/NH. Work is split by (batch, head); each pair copies its
/// q, k, v into small contiguous blocks, works there with register-blocked loops, and writes only its own columns, so
/// the result does not depend on the thread count.
/// </summary>
internal static unsafe class AttentionKernels
{
    /// <summary>att[b,h,i,:i+1] = softmax(q_i·k_j / √hs), zero above the diagonal; y[b,i,h] = Σ_j att[i,j]·v_j.</summary>
    public static void Forward(float[] qkv, int qkvOffset, float[] y, int yOffset, float[] att, int b, int t, int c, int nh, int threads)
    {
        var hs = c / nh;
        var tp = (t + 7) / 8 * 8;
        var scale = 1f / MathF.Sqrt(hs);
        Parallel.For(0, b * nh, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[(2 * t * hs) + (hs * tp) + tp + hs], (bh, _, buf) =>
        {
            var bi = bh / nh;
            var h = bh % nh;
            fixed (float* px = &qkv[qkvOffset + (bi * t * 3 * c)], pbuf = buf, pa = &att[bh * t * t], py = &y[yOffset + (bi * t * c)])
            {
                // q and v are (T,hs), kt is (hs,Tp): K transposed and zero-padded
                var q = pbuf;
                var v = q + (t * hs);
                var kt = v + (t * hs);
                var row = kt + (hs * tp);
                var yi = row + tp;
                Gather(px, 3 * c, h * hs, t, hs, q);
                Gather(px, 3 * c, (2 * c) + (h * hs), t, hs, v);
                GatherTransposed(px, 3 * c, c + (h * hs), t, hs, kt, tp);
                for (var i = 0; i < t; i++)
                {
                    var n = i + 1;
                    // row[j] = q_i·k_j for j < n (rounded up to whole vectors)
                    RowTimesMatrix(q + (i * hs), hs, kt, tp, (n + 7) / 8 * 8, row);
                    var max = float.NegativeInfinity;
                    for (var j = 0; j < n; j++)
                    {
                        max = MathF.Max(max, row[j]);
                    }

                    var ai = pa + (i * t);
                    for (var j = 0; j < n; j++)
                    {
                        ai[j] = (row[j] - max) * scale;
                    }

                    for (var j = n; j < t; j++)
                    {
                        ai[j] = float.NegativeInfinity;
                    }
                }

                // exp over the whole (T,T) block at once: exp(−inf) = 0 masks the future
                var a = new Span<float>(pa, t * t);
                TensorPrimitives.Exp(a, a);
                for (var i = 0; i < t; i++)
                {
                    var ai = pa + (i * t);
                    var sum = 0f;
                    for (var j = 0; j <= i; j++)
                    {
                        sum += ai[j];
                    }

                    var inv = 1f / sum;
                    for (var j = 0; j <= i; j++)
                    {
                        ai[j] *= inv;
                    }

                    // y_i = Σ_j att[i,j]·v_j
                    WeightedRows(ai, 1, i + 1, v, hs, yi);
                    new Span<float>(yi, hs).CopyTo(new Span<float>(py + (i * c) + (h * hs), hs));
                }
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
        var size = (7 * t * hs) + (hs * tp) + (t * t) + tp;
        Parallel.For(0, b * nh, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[size], (bh, _, buf) =>
        {
            var bi = bh / nh;
            var h = bh % nh;
            fixed (float* px = &qkv[qkvOffset + (bi * t * 3 * c)], pbuf = buf, pa = &att[bh * t * t],
                pdy = &dy[dyOffset + (bi * t * c)], pdx = &dqkv[dqkvOffset + (bi * t * 3 * c)])
            {
                // q, k, v, dy are (T,hs); vt is (hs,Tp); ds is (T,T)
                var q = pbuf;
                var k = q + (t * hs);
                var v = k + (t * hs);
                var dyh = v + (t * hs);
                var dq = dyh + (t * hs);
                var dk = dq + (t * hs);
                var dv = dk + (t * hs);
                var vt = dv + (t * hs);
                var ds = vt + (hs * tp);
                var datt = ds + (t * t);
                Gather(px, 3 * c, h * hs, t, hs, q);
                Gather(px, 3 * c, c + (h * hs), t, hs, k);
                Gather(px, 3 * c, (2 * c) + (h * hs), t, hs, v);
                Gather(pdy, c, h * hs, t, hs, dyh);
                GatherTransposed(px, 3 * c, (2 * c) + (h * hs), t, hs, vt, tp);
                for (var i = 0; i < t; i++)
                {
                    var n = i + 1;
                    var ai = pa + (i * t);
                    // y_i = Σ_j att[i,j]·v_j gives datt[i,j] = dy_i·v_j
                    RowTimesMatrix(dyh + (i * hs), hs, vt, tp, (n + 7) / 8 * 8, datt);
                    // att_i = softmax(s_i): ds_ij = att_ij·(datt_ij − Σ_j att_ij·datt_ij), times the scale of s
                    var dot = 0f;
                    for (var j = 0; j < n; j++)
                    {
                        dot += ai[j] * datt[j];
                    }

                    var dsi = ds + (i * t);
                    for (var j = 0; j < n; j++)
                    {
                        dsi[j] = ai[j] * (datt[j] - dot) * scale;
                    }
                }

                for (var i = 0; i < t; i++)
                {
                    // s_ij = q_i·k_j: dq_i = Σ_j ds_ij·k_j (row i of ds) …
                    WeightedRows(ds + (i * t), 1, i + 1, k, hs, dq + (i * hs));
                    // … dk_i = Σ_{r≥i} ds_ri·q_r (column i of ds); dv_i = Σ_{r≥i} att_ri·dy_r
                    WeightedRows(ds + (i * t) + i, t, t - i, q + (i * hs), hs, dk + (i * hs));
                    WeightedRows(pa + (i * t) + i, t, t - i, dyh + (i * hs), hs, dv + (i * hs));
                }

                Scatter(dq, t, hs, pdx, 3 * c, h * hs);
                Scatter(dk, t, hs, pdx, 3 * c, c + (h * hs));
                Scatter(dv, t, hs, pdx, 3 * c, (2 * c) + (h * hs));
            }

            return buf;
        }, _ => { });
    }

    /// <summary>
    /// out[j] = Σ_d x[d]·m[d·ld + j] for j &lt; n; n is a multiple of 8. Four column vectors are summed at once so
    /// that four independent FMA chains hide the FMA latency.
    /// </summary>
    private static void RowTimesMatrix(float* x, int hs, float* m, int ld, int n, float* output)
    {
        var j = 0;
        for (; j + 32 <= n; j += 32)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            var col = m + j;
            for (var d = 0; d < hs; d++)
            {
                var xd = Vector256.Create(x[d]);
                var r = col + (d * ld);
                a0 = Vector256.FusedMultiplyAdd(xd, Vector256.Load(r), a0);
                a1 = Vector256.FusedMultiplyAdd(xd, Vector256.Load(r + 8), a1);
                a2 = Vector256.FusedMultiplyAdd(xd, Vector256.Load(r + 16), a2);
                a3 = Vector256.FusedMultiplyAdd(xd, Vector256.Load(r + 24), a3);
            }

            a0.Store(output + j);
            a1.Store(output + j + 8);
            a2.Store(output + j + 16);
            a3.Store(output + j + 24);
        }

        for (; j < n; j += 8)
        {
            var acc = Vector256<float>.Zero;
            var col = m + j;
            for (var d = 0; d < hs; d++)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(x[d]), Vector256.Load(col + (d * ld)), acc);
            }

            acc.Store(output + j);
        }
    }

    /// <summary>
    /// output[0..hs) = Σ_r w[r·wStride]·rows[r·hs + 0..hs) for r &lt; count: a weighted sum of contiguous rows,
    /// 32 columns at a time in four register chains, then 8 at a time, then the rest in scalar code.
    /// </summary>
    private static void WeightedRows(float* w, int wStride, int count, float* rows, int hs, float* output)
    {
        var col = 0;
        for (; col + 32 <= hs; col += 32)
        {
            var o = output + col;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var r = 0; r < count; r++)
            {
                var wr = Vector256.Create(w[r * wStride]);
                var p = rows + (r * hs) + col;
                a0 = Vector256.FusedMultiplyAdd(wr, Vector256.Load(p), a0);
                a1 = Vector256.FusedMultiplyAdd(wr, Vector256.Load(p + 8), a1);
                a2 = Vector256.FusedMultiplyAdd(wr, Vector256.Load(p + 16), a2);
                a3 = Vector256.FusedMultiplyAdd(wr, Vector256.Load(p + 24), a3);
            }

            a0.Store(o);
            a1.Store(o + 8);
            a2.Store(o + 16);
            a3.Store(o + 24);
        }

        for (; col + 8 <= hs; col += 8)
        {
            var acc = Vector256<float>.Zero;
            for (var r = 0; r < count; r++)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[r * wStride]), Vector256.Load(rows + (r * hs) + col), acc);
            }

            acc.Store(output + col);
        }

        for (; col < hs; col++)
        {
            var s = 0f;
            for (var r = 0; r < count; r++)
            {
                s += w[r * wStride] * rows[(r * hs) + col];
            }

            output[col] = s;
        }
    }

    /// <summary>dst (t,hs) = the block of src starting at <paramref name="column"/>, rows <paramref name="stride"/> apart.</summary>
    private static void Gather(float* src, int stride, int column, int t, int hs, float* dst)
    {
        for (var j = 0; j < t; j++)
        {
            new Span<float>(src + (j * stride) + column, hs).CopyTo(new Span<float>(dst + (j * hs), hs));
        }
    }

    /// <summary>dst (hs,tp) = the (t,hs) block of src at <paramref name="column"/>, transposed, zero past t.</summary>
    private static void GatherTransposed(float* src, int stride, int column, int t, int hs, float* dst, int tp)
    {
        new Span<float>(dst, hs * tp).Clear();
        for (var j = 0; j < t; j++)
        {
            var s = src + (j * stride) + column;
            for (var d = 0; d < hs; d++)
            {
                dst[(d * tp) + j] = s[d];
            }
        }
    }

    /// <summary>dst block at <paramref name="column"/> += src (t,hs).</summary>
    private static void Scatter(float* src, int t, int hs, float* dst, int stride, int column)
    {
        for (var j = 0; j < t; j++)
        {
            Simd.AddTo(new ReadOnlySpan<float>(src + (j * hs), hs), new Span<float>(dst + (j * stride) + column, hs));
        }
    }
}
