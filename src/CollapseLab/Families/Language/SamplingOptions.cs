using CollapseLab.Data.Text;
using CollapseLab.Specs;

namespace CollapseLab.Families.Language;

/// <summary>
/// How sequences are drawn (spec <c>model.sampling</c>). Each sequence is <see cref="MaxLength"/> new tokens,
/// fewer when the model ends it with the boundary token after at least <see cref="MinLength"/>. With
/// <see cref="Prompted"/>, sequence i continues the first <see cref="PromptLength"/> tokens of real pool block i
/// (Shumailov et al.: 64-token real prompt, 64 new tokens). Temperature T scales log-probabilities by 1/T; top-k keeps
/// the k likeliest tokens, top-p the smallest set holding probability ≥ p; the repetition penalty θ multiplies the
/// log-probability of tokens already in the sequence by θ (p → p^θ); beam search keeps the <see cref="Beam"/> best
/// partial sequences by log-probability and returns the best (deterministic). A <see cref="Watermark"/> biases the
/// logits before all of these.
/// </summary>
public sealed record SamplingOptions
{
    public double Temperature { get; init; } = 1;

    /// <summary>Keep the k likeliest tokens; absent keeps all.</summary>
    public int? TopK { get; init; }

    public double TopP { get; init; } = 1;

    public int Beam { get; init; } = 1;

    public double RepetitionPenalty { get; init; } = 1;

    /// <summary>New tokens before the boundary token may end a sequence; absent means <see cref="MaxLength"/>.</summary>
    public int? MinLength { get; init; }

    /// <summary>New tokens per sequence; absent means the real blocks' length.</summary>
    public int? MaxLength { get; init; }

    public bool Prompted { get; init; }

    /// <summary>Real prompt tokens; absent means the real blocks' length.</summary>
    public int? PromptLength { get; init; }

    /// <summary>The green-list watermark, or null for unwatermarked draws.</summary>
    public Watermark? Watermark { get; init; }

    public static SamplingOptions Default { get; } = new();

    /// <summary>No transform of the model's distribution: each token is one exact draw from the model.</summary>
    public bool IsPlain => Temperature == 1 && TopK is null && TopP >= 1 && RepetitionPenalty == 1 && Beam == 1 && Watermark is null;

    /// <summary>Whether every length follows the data (none was given in the spec).</summary>
    public bool FollowsData => MaxLength is null && MinLength is null;

    /// <summary>Lengths not given become the real sequences' length <paramref name="length"/>.</summary>
    public SamplingOptions Resolve(int length)
    {
        var max = MaxLength ?? length;
        return this with
        {
            MaxLength = max,
            MinLength = Math.Min(MinLength ?? max, max),
            PromptLength = Prompted ? PromptLength ?? length : null,
        };
    }

    /// <summary>Resolved against the real pool's block length.</summary>
    public SamplingOptions ResolveFor(TokenBatch pool) => Resolve(pool.Count > 0 ? pool.Length(0) : 1);

    /// <summary>The real blocks sequences continue, or null when sampling is unconditional.</summary>
    public TokenBatch? PromptsFrom(TokenBatch pool) => Prompted ? pool : null;

    /// <summary>The lengths of resolved options (see <see cref="Resolve"/>).</summary>
    internal (int Min, int Max) NewTokens =>
        (MinLength ?? throw Unresolved(), MaxLength ?? throw Unresolved());

    private static InvalidOperationException Unresolved() =>
        new("sampling lengths follow the data: call Resolve with the real block length before sampling.");

    /// <summary>Reads <c>sampling:</c>; lengths not given follow the data (resolved at fit time).</summary>
    public static SamplingOptions Read(SpecReader s)
    {
        var temperature = s.Double("temperature", 1.0, min: 0, exclusiveMin: true);
        var topK = s.OptionalInt("top_k", min: 0) is { } k and > 0 ? k : (int?)null; // 0 also means off
        var topP = s.Double("top_p", 1.0, min: 0, max: 1, exclusiveMin: true);
        var beam = s.Int("beam", 1, min: 1, max: 64);
        var penalty = s.Double("repetition_penalty", 1.0, min: 1);
        var maxLength = s.OptionalInt("max_length", min: 1, max: 1_000_000);
        var minLength = s.OptionalInt("min_length", min: 0, max: maxLength ?? 1_000_000);
        var prompt = s.Choice("prompt", "none", ["none", "real"]) == "real";
        if (!prompt && s.Has("prompt_length"))
        {
            throw s.Error("prompt_length", "prompt_length applies to real prompts only. Add prompt: real or remove prompt_length.");
        }
        var promptLength = s.OptionalInt("prompt_length", min: 1);
        var watermark = s.Node("watermark") is null ? null : s.Section("watermark", Watermark.Read);
        if (beam > 1 && (temperature != 1 || topK is not null || topP < 1))
        {
            throw s.Error("beam", "beam search is deterministic: it keeps the likeliest sequences, so temperature, top_k and top_p do not apply. Remove them or set beam: 1.");
        }
        return new SamplingOptions
        {
            Temperature = temperature, TopK = topK, TopP = topP, Beam = beam, RepetitionPenalty = penalty,
            MinLength = minLength, MaxLength = maxLength, Prompted = prompt, PromptLength = promptLength,
            Watermark = watermark,
        };
    }

    public string Describe()
    {
        var parts = new List<string>();
        if (Beam > 1)
        {
            parts.Add($"beam {Beam}");
        }
        if (Temperature != 1)
        {
            parts.Add($"T={Temperature:G4}");
        }
        if (TopK is { } k)
        {
            parts.Add($"top-k {k}");
        }
        if (TopP < 1)
        {
            parts.Add($"top-p {TopP:G4}");
        }
        if (RepetitionPenalty != 1)
        {
            parts.Add($"repetition penalty {RepetitionPenalty:G4}");
        }
        if (Watermark is { } mark)
        {
            parts.Add(mark.Describe());
        }
        parts.Add(Prompted ? $"{PromptLength}-token real prompts" : "unconditional");
        return string.Join(", ", parts);
    }
}
