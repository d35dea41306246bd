using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>
/// Key/value-cached decoding for a <see cref="PretrainedLm"/>: <see cref="Feed"/> runs the next L tokens per row
/// (a prompt in one batched pass, or one sampled token) and attends to the cached keys (after rotary) and values of
/// the positions before them. Once the context is full the cache is rebuilt from the last T−1 tokens in one pass from
/// position 0 (as a full forward of the cropped history would see them).
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

    public Tensor Step(ReadOnlySpan<int> tokens) => Feed(tokens, 1);

    /// <summary>
    /// Appends tokens (B,L) and returns the logits (B,V) after the last of them. While they fit in the context all
    /// L positions go through each layer at once (one GEMM per weight instead of L), attending causally to the
    /// cache. Only on a <see cref="IGemm.RowWise"/> GEMM, so each position's bits are those of feeding it alone.
    /// </summary>
    public Tensor Feed(ReadOnlySpan<int> tokens, int length)
    {
        if (length < 1 || tokens.Length != _b * length)
        {
            throw new ArgumentException($"feed needs {length} tokens per row for {_b} rows, got {tokens.Length}");
        }

        var t = _lm.Architecture.Context;
        if (length > 1 && (Position + length > t || !Compute.Current.Gemm.RowWise))
        {
            // Past the context the window slides with every token, and a GEMM whose rows depend on how many are
            // multiplied at once would make the bits depend on the batching: feed the tokens one at a time.
            var column = new int[_b];
            Tensor? last = null;
            for (var i = 0; i < length; i++)
            {
                for (var r = 0; r < _b; r++)
                {
                    column[r] = tokens[(r * length) + i];
                }

                last = Feed(column, 1);
            }

            return last!;
        }

        for (var r = 0; r < _b; r++)
        {
            _history[r].AddRange(tokens.Slice(r * length, length));
        }

        if (Position < t)
        {
            return Forward(tokens, length);
        }

        // The context is full: refill the cache from the last T−1 tokens before the newest one, from position 0.
        Position = 0;
        var keep = t - 1;
        var window = new int[_b * keep];
        for (var r = 0; r < _b; r++)
        {
            _history[r].CopyTo(_history[r].Count - keep - 1, window, r * keep, keep);
        }

        if (Compute.Current.Gemm.RowWise)
        {
            Forward(window, keep);
        }
        else
        {
            var column = new int[_b];
            for (var i = 0; i < keep; i++)
            {
                for (var r = 0; r < _b; r++)
                {
                    column[r] = window[(r * keep) + i];
                }

                Forward(column, 1);
            }
        }

        return Forward(tokens, 1);
    }

    /// <summary>Runs tokens (B,L) at positions Position … Position+L−1, storing their keys and values; logits (B,V) of the last.</summary>
    private Tensor Forward(ReadOnlySpan<int> tokens, int length)
    {
        using var scope = Tape.NoGrad();
        var a = _lm.Architecture;
        var names = _lm.Names;
        var (c, kv) = (a.Channels, a.KvChannels);
        var pos = Position;
        // x is (B,L,C)
        var x = _lm.Embed(tokens, _b, length, pos);
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

            var y = Attend(q, k, v, l, pos, length);
            x = Ops.Add(x, _lm.Linear(y, names.Layer(l, names.AttnOut), a.AttentionBias));
            x = Ops.Add(x, _lm.Mlp(_lm.Norm(x, names.Layer(l, names.Norm2)), l));
        }

        Position = pos + length;
        // Only the last position's logits are wanted: the head is the largest product.
        var last = length == 1 ? x : Ops.Slice(x, 1, length - 1, 1);
        // logits are (B,V)
        return Ops.Reshape(Ops.Linear(_lm.Norm(last, names.FinalNorm), _lm.Head, null), _b, a.Vocab);
    }

    /// <summary>
    /// Stores k, v (B,L,KVC) at positions pos … pos+L−1; query i of each head attends to positions 0..pos+i of its
    /// key/value head.
    /// </summary>
    private Tensor Attend(Tensor q, Tensor k, Tensor v, int layer, int pos, int length)
    {
        var a = _lm.Architecture;
        var (c, kv, t, d) = (a.Channels, a.KvChannels, a.Context, a.HeadSize);
        var rep = a.Heads / a.KvHeads;
        var scale = 1f / MathF.Sqrt(d);
        var y = Tensor.Zeros(_b, length, c);
        var (kc, vc) = (_keys[layer], _values[layer]);
        var scores = new float[pos + length];
        for (var r = 0; r < _b; r++)
        {
            k.Data.Slice(r * length * kv, length * kv).CopyTo(kc.AsSpan(((r * t) + pos) * kv, length * kv));
            v.Data.Slice(r * length * kv, length * kv).CopyTo(vc.AsSpan(((r * t) + pos) * kv, length * kv));
            for (var i = 0; i < length; i++)
            {
                var row = (r * length) + i;
                var seen = scores.AsSpan(0, pos + i + 1);
                for (var h = 0; h < a.Heads; h++)
                {
                    var qh = q.Data.Slice((row * c) + (h * d), d);
                    var g = h / rep * d;
                    for (var j = 0; j < seen.Length; j++)
                    {
                        seen[j] = Simd.Dot(qh, kc.AsSpan((((r * t) + j) * kv) + g, d)) * scale;
                    }

                    SoftmaxKernels.Softmax(seen, seen);
                    var yh = y.Data.Slice((row * c) + (h * d), d);
                    for (var j = 0; j < seen.Length; j++)
                    {
                        Simd.Axpy(seen[j], vc.AsSpan((((r * t) + j) * kv) + g, d), yh);
                    }
                }
            }
        }

        return y;
    }
}
