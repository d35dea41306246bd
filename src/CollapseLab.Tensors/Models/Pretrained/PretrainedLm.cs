using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>
/// A decoder-only transformer laid out as Hugging Face's GPT-2, OPT or Llama (<see cref="DecoderArchitecture"/>),
/// with the architecture's own parameter names; weights are held in nn.Linear layout (C_out, C_in) and computed in
/// float32. Per block: x += attn(norm₁(x)), x += mlp(norm₂(x)); then the final norm and the head.
/// </summary>
public sealed class PretrainedLm : ICausalLm
{
    public PretrainedLm(DecoderArchitecture architecture)
    {
        Architecture = architecture;
        Names = DecoderNames.For(architecture.ModelType);
        if (architecture.Channels % architecture.Heads != 0 || architecture.Heads % architecture.KvHeads != 0)
        {
            throw new ArgumentException($"{architecture.Channels} channels, {architecture.Heads} heads and {architecture.KvHeads} key/value heads do not divide evenly");
        }

        Parameters = new ParameterBlock(Names.Layout(architecture));
    }

    public DecoderArchitecture Architecture { get; }

    public DecoderNames Names { get; }

    public ParameterBlock Parameters { get; }

    public int Vocab => Architecture.Vocab;

    public int Context => Architecture.Context;

    /// <summary>The output head (V,C): its own matrix, or the token embedding when tied.</summary>
    public Tensor Head => Parameters[Architecture.TiedHead ? Names.Embed : Names.Head];

    public Tensor Logits(ReadOnlySpan<int> idx, int b, int t) => Ops.Linear(Hidden(idx, b, t), Head, null);

    public Tensor Loss(ReadOnlySpan<int> idx, ReadOnlySpan<int> targets, int b, int t) => Ops.CrossEntropy(Logits(idx, b, t), targets);

    public IIncrementalDecoder Decoder(int batch) => new PretrainedDecoder(this, batch);

    /// <summary>The final hidden states (B,T,C) after the final norm.</summary>
    private Tensor Hidden(ReadOnlySpan<int> idx, int b, int t)
    {
        var a = Architecture;
        if (t > a.Context)
        {
            throw new ArgumentException($"sequence length {t} exceeds the context of {a.Context}");
        }

        // x is (B,T,C)
        var x = Embed(idx, b, t, 0);
        for (var l = 0; l < a.Layers; l++)
        {
            var h = Norm(x, Names.Layer(l, Names.Norm1));
            // qkv is (B,T,C+2·KVC) for GPT-2's c_attn, else q (B,T,C), k and v (B,T,KVC) side by side after rotary
            Tensor qkv;
            if (Names.Qkv is not null)
            {
                qkv = Linear(h, Names.Layer(l, Names.Qkv), a.AttentionBias);
            }
            else
            {
                var q = Linear(h, Names.Layer(l, Names.Q!), a.AttentionBias);
                var k = Linear(h, Names.Layer(l, Names.K!), a.AttentionBias);
                var v = Linear(h, Names.Layer(l, Names.V!), a.AttentionBias);
                if (a.RopeTheta is { } theta)
                {
                    q = Ops.Rotary(q, a.Heads, theta);
                    k = Ops.Rotary(k, a.KvHeads, theta);
                }

                qkv = Ops.Concat([q, RepeatKv(k), RepeatKv(v)], 2);
            }

            var y = Ops.CausalSelfAttention(qkv, a.Heads);
            x = Ops.Add(x, Linear(y, Names.Layer(l, Names.AttnOut), a.AttentionBias));
            x = Ops.Add(x, Mlp(Norm(x, Names.Layer(l, Names.Norm2)), l));
        }

        return Norm(x, Names.FinalNorm);
    }

    /// <summary>Token embeddings (B,T,C), plus learned positions start … start+T−1 (shifted by the offset) when the architecture has them.</summary>
    internal Tensor Embed(ReadOnlySpan<int> idx, int b, int t, int start)
    {
        var x = Ops.Embedding(Parameters[Names.Embed], idx, b, t);
        if (Names.Positions is null)
        {
            return x;
        }

        var positions = Enumerable.Range(start + Architecture.PositionOffset, t).ToArray();
        return Ops.Add(x, Ops.Embedding(Parameters[Names.Positions], positions, t));
    }

    internal Tensor Norm(Tensor x, string name) => Architecture.Norm == NormKind.RmsNorm
        ? Ops.RmsNorm(x, Parameters[name + ".weight"], Architecture.NormEps)
        : Ops.LayerNorm(x, Parameters[name + ".weight"], Parameters[name + ".bias"], Architecture.NormEps);

    internal Tensor Linear(Tensor x, string name, bool bias) =>
        Ops.Linear(x, Parameters[name + ".weight"], bias ? Parameters[name + ".bias"] : null);

    /// <summary>The feed-forward block of layer l on h (…,C).</summary>
    internal Tensor Mlp(Tensor h, int l)
    {
        var a = Architecture;
        var up = Linear(h, Names.Layer(l, Names.Up), a.MlpBias);
        var hidden = a.Mlp switch
        {
            MlpKind.GeluTanh => Ops.Gelu(up, GeluApproximation.Tanh),
            MlpKind.Relu => Ops.Relu(up),
            _ => Ops.Mul(Ops.Silu(Linear(h, Names.Layer(l, Names.Gate!), a.MlpBias)), up),
        };
        return Linear(hidden, Names.Layer(l, Names.Down), a.MlpBias);
    }

    /// <summary>(B,T,KVH·D) → (B,T,NH·D): query head h reads key/value head h / (NH/KVH), as transformers' repeat_kv.</summary>
    private Tensor RepeatKv(Tensor x)
    {
        var a = Architecture;
        if (a.KvHeads == a.Heads)
        {
            return x;
        }

        var d = a.HeadSize;
        var rep = a.Heads / a.KvHeads;
        var parts = new Tensor[a.Heads];
        for (var h = 0; h < a.Heads; h++)
        {
            parts[h] = h % rep == 0 ? Ops.Slice(x, 2, h / rep * d, d) : parts[h - 1];
        }

        return Ops.Concat(parts, 2);
    }
}
