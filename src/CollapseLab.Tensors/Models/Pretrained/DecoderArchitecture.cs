namespace CollapseLab.Tensors.Models.Pretrained;

/// <summary>How a block normalises: nn.LayerNorm (weight and bias) or Llama's RMSNorm (weight only).</summary>
public enum NormKind
{
    LayerNorm,
    RmsNorm,
}

/// <summary>The feed-forward block: GELU (tanh) as GPT-2, ReLU as OPT, or SwiGLU down(silu(gate x) · up x) as Llama.</summary>
public enum MlpKind
{
    GeluTanh,
    Relu,
    SwiGlu,
}

/// <summary>
/// The shape of a pre-norm decoder-only transformer, as Hugging Face's GPT-2, OPT and Llama define it. V vocab
/// (embedding rows), L layers, NH query heads, KVH key/value heads (grouped-query attention when fewer), C channels,
/// F the feed-forward width, T the context used here (at most <see cref="MaxPositions"/>, the config's
/// max_position_embeddings). Positions are learned (a table of MaxPositions + <see cref="PositionOffset"/> rows,
/// OPT's offset is 2) unless <see cref="RopeTheta"/> is set (rotary). <see cref="FusedQkv"/>: one c_attn (GPT-2)
/// instead of q/k/v projections. <see cref="AttentionBias"/> and <see cref="MlpBias"/>: whether those linears carry
/// biases. <see cref="TiedHead"/>: the output head is the token embedding.
/// </summary>
public sealed record DecoderArchitecture(
    string ModelType,
    int Vocab,
    int Layers,
    int Heads,
    int KvHeads,
    int Channels,
    int FeedForward,
    int Context,
    int MaxPositions,
    NormKind Norm,
    float NormEps,
    MlpKind Mlp,
    int PositionOffset,
    float? RopeTheta,
    bool FusedQkv,
    bool AttentionBias,
    bool MlpBias,
    bool TiedHead)
{
    public int HeadSize => Channels / Heads;

    /// <summary>Width of the key and value projections: KVH·D.</summary>
    public int KvChannels => KvHeads * HeadSize;
}
