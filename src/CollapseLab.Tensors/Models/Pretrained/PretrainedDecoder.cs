using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>
/// Key/value-cached decoding for a <see cref="PretrainedLm"/>: each <see cref="Step"/> feeds one token per row at the
/// next position and attends to the cached keys (after rotary) and values of the positions before it. Once the
/// context is full the cache is rebuilt from the last T−1 tokens, fed one at a time from position 0 (as a full
/// forward of the cropped history would see them).
/// </summary>
internal sealed class PretrainedDecoder : IIncrementalDecoder
{
    private readonly PretrainedLm _lm;
    private readonly int _b;
    private readonly float[][] _keys;
    private readonly float[][] _values;
    private readonly List<int>[] _history;

    public PretrainedDecoder(PretrainedLm lm, int batch)
    {
        _lm = lm;
        _b = batch;
        var a = lm.Architecture;
        // _keys[l] and _values[l] are (B, T, KVC)
        _keys = Enumerable.Range(0, a.Layers).Select(_ => new float[batch * a.Context * a.KvChannels]).ToArray();
        _values = Enumerable.Range(0, a.Layers).Select(_ => new float[batch * a.Context * a.KvChannels]).ToArray();
        _history = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
    }

    public int Position { get; private set; }

    public void Reset()
    {
        Position = 0;
        foreach (var h in _history)
        {
            h.Clear();
        }
    }

    public void CopyFrom(IIncrementalDecoder source)
    {
        if (source is not PretrainedDecoder s || !ReferenceEquals(s._lm, _lm) || s._b != _b)
        {
            throw new ArgumentException("CopyFrom needs a decoder of the same network and batch size");
        }

        var (kv, t) = (_lm.Architecture.KvChannels, _lm.Architecture.Context);
        for (var l = 0; l < _keys.Length; l++)
        {
            for (var r = 0; r < _b; r++)
            {
                s._keys[l].AsSpan(r * t * kv, s.Position * kv).CopyTo(_keys[l].AsSpan(r * t * kv));
                s._values[l].AsSpan(r * t * kv, s.Position * kv).CopyTo(_values[l].AsSpan(r * t * kv));
            }
        }

        for (var r = 0; r < _b; r++)
        {
            _history[r].Clear();
            _history[r].AddRange(s._history[r]);
        }

        Position = s.Position;
    }

    public Tensor Step(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != _b)
        {
            throw new ArgumentException($"step needs one token per row: {_b}, got {tokens.Length}");
        }

        for (var r = 0; r < _b; r++)
        {
            _history[r].Add(tokens[r]);
        }

        var t = _lm.Architecture.Context;
        if (Position < t)
        {
            return Forward(tokens);
        }

        // The context is full: replay the last T−1 tokens before the newest one from position 0.
        Position = 0;
        var column = new int[_b];
        for (var i = 0; i < t - 1; i++)
        {
            for (var r = 0; r < _b; r++)
            {
                column[r] = _history[r][_history[r].Count - t + i];
            }

            Forward(column);
        }

        return Forward(tokens);
    }

    private Tensor Forward(ReadOnlySpan<int> tokens)
    {
        using var scope = Tape.NoGrad();
        var a = _lm.Architecture;
        var names = _lm.Names;
        var (c, kv) = (a.Channels, a.KvChannels);
        var pos = Position;
        // x is (B,1,C)
        var x = _lm.Embed(tokens, _b, 1, pos);
        for (var l = 0; l < a.Layers; l++)
        {
            var h = _lm.Norm(x, names.Layer(l, names.Norm1));
            Tensor q, k, v;
            if (names.Qkv is not null)
            {
                var qkv = _lm.Linear(h, names.Layer(l, names.Qkv), a.AttentionBias);
                (q, k, v) = (Ops.Slice(qkv, 2, 0, c), Ops.Slice(qkv, 2, c, kv), Ops.Slice(qkv, 2, c + kv, kv));
            }
            else
            {
                q = _lm.Linear(h, names.Layer(l, names.Q!), a.AttentionBias);
                k = _lm.Linear(h, names.Layer(l, names.K!), a.AttentionBias);
                v = _lm.Linear(h, names.Layer(l, names.V!), a.AttentionBias);
            }

            if (a.RopeTheta is { } theta)
            {
                q = Ops.Rotary(q, a.Heads, theta, pos);
                k = Ops.Rotary(k, a.KvHeads, theta, pos);
            }

            var y = Attend(q, k, v, l, pos);
            x = Ops.Add(x, _lm.Linear(y, names.Layer(l, names.AttnOut), a.AttentionBias));
            x = Ops.Add(x, _lm.Mlp(_lm.Norm(x, names.Layer(l, names.Norm2)), l));
        }

        Position = pos + 1;
        // logits are (B,V)
        return Ops.Reshape(Ops.Linear(_lm.Norm(x, names.FinalNorm), _lm.Head, null), _b, a.Vocab);
    }

    /// <summary>Stores k, v (B,1,KVC) at <paramref name="pos"/>; each query head attends to positions 0..pos of its key/value head.</summary>
    private Tensor Attend(Tensor q, Tensor k, Tensor v, int layer, int pos)
    {
        var a = _lm.Architecture;
        var (c, kv, t, d) = (a.Channels, a.KvChannels, a.Context, a.HeadSize);
        var rep = a.Heads / a.KvHeads;
        var scale = 1f / MathF.Sqrt(d);
        var y = Tensor.Zeros(_b, 1, c);
        var (kc, vc) = (_keys[layer], _values[layer]);
        var scores = new float[pos + 1];
        for (var r = 0; r < _b; r++)
        {
            k.Data.Slice(r * kv, kv).CopyTo(kc.AsSpan(((r * t) + pos) * kv, kv));
            v.Data.Slice(r * kv, kv).CopyTo(vc.AsSpan(((r * t) + pos) * kv, kv));
            for (var h = 0; h < a.Heads; h++)
            {
                var qh = q.Data.Slice((r * c) + (h * d), d);
                var g = h / rep * d;
                for (var j = 0; j <= pos; j++)
                {
                    scores[j] = Simd.Dot(qh, kc.AsSpan((((r * t) + j) * kv) + g, d)) * scale;
                }

                SoftmaxKernels.Softmax(scores, scores);
                var yh = y.Data.Slice((r * c) + (h * d), d);
                for (var j = 0; j <= pos; j++)
                {
                    Simd.Axpy(scores[j], vc.AsSpan((((r * t) + j) * kv) + g, d), yh);
                }
            }
        }

        return y;
    }
}
