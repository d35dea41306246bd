using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Models;

/// <summary>
/// Incremental decoding for a <see cref="TransformerLm"/> with a key/value cache: each <see cref="Step"/> feeds one
/// token per row and costs one position's work instead of a full forward pass. Positions are absolute, so once the
/// context is full the cache is refilled by one batched pass over the last T−1 tokens (as nanoGPT crops its input).
/// </summary>
public sealed class TransformerSampler : IIncrementalDecoder
{
    private readonly TransformerLm model;
    private readonly int b;
    private readonly float[][] keys;
    private readonly float[][] values;
    private readonly List<int>[] history;

    public TransformerSampler(TransformerLm model, int batch)
    {
        this.model = model;
        b = batch;
        var cfg = model.Config;
        // keys[l] and values[l] are (B, T, C)
        keys = Enumerable.Range(0, cfg.Layers).Select(_ => new float[batch * cfg.Context * cfg.Channels]).ToArray();
        values = Enumerable.Range(0, cfg.Layers).Select(_ => new float[batch * cfg.Context * cfg.Channels]).ToArray();
        history = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
    }

    /// <summary>The position the next token will take.</summary>
    public int Position { get; private set; }

    /// <summary>Forgets every token fed so far: the next <see cref="Step"/> takes position 0.</summary>
    public void Reset()
    {
        Position = 0;
        foreach (var h in history)
        {
            h.Clear();
        }
    }

    /// <summary>
    /// Becomes a copy of <paramref name="source"/> (same model and batch): the cached keys and values of its
    /// positions and its history, so both continue identically; beam search branches a sequence this way.
    /// </summary>
    public void CopyFrom(IIncrementalDecoder source) => CopyFrom(source as TransformerSampler
        ?? throw new ArgumentException("CopyFrom needs a sampler of the same model and batch size"));

    /// <inheritdoc cref="CopyFrom(IIncrementalDecoder)"/>
    public void CopyFrom(TransformerSampler source)
    {
        if (!ReferenceEquals(source.model, model) || source.b != b)
        {
            throw new ArgumentException("CopyFrom needs a sampler of the same model and batch size");
        }

        var (c, t) = (model.Config.Channels, model.Config.Context);
        for (var l = 0; l < keys.Length; l++)
        {
            for (var r = 0; r < b; r++)
            {
                source.keys[l].AsSpan(r * t * c, source.Position * c).CopyTo(keys[l].AsSpan(r * t * c));
                source.values[l].AsSpan(r * t * c, source.Position * c).CopyTo(values[l].AsSpan(r * t * c));
            }
        }

        for (var r = 0; r < b; r++)
        {
            history[r].Clear();
            history[r].AddRange(source.history[r]);
        }

        Position = source.Position;
    }

    /// <summary>Appends one token per row (B) and returns the next-token logits (B,V).</summary>
    public Tensor Step(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != b)
        {
            throw new ArgumentException($"step needs one token per row: {b}, got {tokens.Length}");
        }

        for (var r = 0; r < b; r++)
        {
            history[r].Add(tokens[r]);
        }

        if (Position == model.Config.Context)
        {
            // The context is full: refill the cache from the last T−1 tokens before the newest one.
            var keep = model.Config.Context - 1;
            var window = new int[b * keep];
            for (var r = 0; r < b; r++)
            {
                history[r].CopyTo(history[r].Count - keep - 1, window, r * keep, keep);
            }

            Prefill(window, keep);
        }

        return Forward(tokens);
    }

    /// <summary>Fills the cache from tokens (B,L), L ≤ T, in one batched pass.</summary>
    private void Prefill(ReadOnlySpan<int> tokens, int length)
    {
        using var scope = Tape.NoGrad();
        var (c, t) = (model.Config.Channels, model.Config.Context);
        model.Hidden(tokens, b, length, (layer, qkv) =>
        {
            // qkv is (B,L,3C): keep k and v of every position
            var q = qkv.Data;
            for (var r = 0; r < b; r++)
            {
                for (var i = 0; i < length; i++)
                {
                    var src = ((r * length) + i) * 3 * c;
                    q.Slice(src + c, c).CopyTo(keys[layer].AsSpan(((r * t) + i) * c, c));
                    q.Slice(src + (2 * c), c).CopyTo(values[layer].AsSpan(((r * t) + i) * c, c));
                }
            }
        });
        Position = length;
    }

    private Tensor Forward(ReadOnlySpan<int> tokens)
    {
        using var scope = Tape.NoGrad();
        var cfg = model.Config;
        var p = model.Parameters;
        var c = cfg.Channels;
        var pos = Position;
        // x is (B,C)
        var x = Ops.Add(Ops.Embedding(p["wte.weight"], tokens, b), Ops.Reshape(Ops.Slice(p["wpe.weight"], 0, pos, 1), c));
        for (var l = 0; l < cfg.Layers; l++)
        {
            var h = $"h.{l}.";
            var qkv = Ops.Linear(Ops.LayerNorm(x, p[h + "ln_1.weight"], p[h + "ln_1.bias"]), p[h + "attn.c_attn.weight"], p[h + "attn.c_attn.bias"]);
            var y = Attend(qkv, l, pos);
            x = Ops.Add(x, Ops.Linear(y, p[h + "attn.c_proj.weight"], p[h + "attn.c_proj.bias"]));
            var ln2 = Ops.LayerNorm(x, p[h + "ln_2.weight"], p[h + "ln_2.bias"]);
            var fc = Ops.Gelu(Ops.Linear(ln2, p[h + "mlp.c_fc.weight"], p[h + "mlp.c_fc.bias"]), cfg.Gelu);
            x = Ops.Add(x, Ops.Linear(fc, p[h + "mlp.c_proj.weight"], p[h + "mlp.c_proj.bias"]));
        }

        Position = pos + 1;
        // logits are (B,V)
        return Ops.Linear(Ops.LayerNorm(x, p["ln_f.weight"], p["ln_f.bias"]), p["wte.weight"], null);
    }

    /// <summary>Stores k, v of qkv (B,3C) at <paramref name="pos"/> and attends each query to positions 0..pos.</summary>
    private Tensor Attend(Tensor qkv, int layer, int pos)
    {
        var cfg = model.Config;
        var (c, nh, t) = (cfg.Channels, cfg.Heads, cfg.Context);
        var hs = c / nh;
        var scale = 1f / MathF.Sqrt(hs);
        var y = Tensor.Zeros(b, c);
        var q = qkv.Data;
        var kc = keys[layer];
        var vc = values[layer];
        var scores = new float[pos + 1];
        for (var r = 0; r < b; r++)
        {
            q.Slice((r * 3 * c) + c, c).CopyTo(kc.AsSpan(((r * t) + pos) * c, c));
            q.Slice((r * 3 * c) + (2 * c), c).CopyTo(vc.AsSpan(((r * t) + pos) * c, c));
            for (var h = 0; h < nh; h++)
            {
                var qh = q.Slice((r * 3 * c) + (h * hs), hs);
                for (var j = 0; j <= pos; j++)
                {
                    scores[j] = Simd.Dot(qh, kc.AsSpan((((r * t) + j) * c) + (h * hs), hs)) * scale;
                }

                SoftmaxKernels.Softmax(scores, scores);
                var yh = y.Data.Slice((r * c) + (h * hs), hs);
                for (var j = 0; j <= pos; j++)
                {
                    Simd.Axpy(scores[j], vc.AsSpan((((r * t) + j) * c) + (h * hs), hs), yh);
                }
            }
        }

        return y;
    }
}
