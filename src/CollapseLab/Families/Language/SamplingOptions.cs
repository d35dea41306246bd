using CollapseLab.Specs;

namespace CollapseLab.Families.Language;

/// <summary>
/// How sequences are drawn (spec <c>model.sampling</c>). Each sequence is <see cref="MaxLength"/> new tokens,
/// fewer when the model ends it with the boundary token after at least <see cref="MinLength"/>. With
/// <see cref="Prompted"/>, sequence i continues the first <see cref="PromptLength"/> tokens of real pool block i
/// (Shumailov et al.: 64-token real prompt, 64 new tokens). Temperature T scales log-probabilities by 1/T; top-k keeps
/// the k likeliest tokens, top-p the smallest set holding probability ≥ p; the repetition penalty θ multiplies the
/// log-probability of tokens already in the sequence by θ (p → p^θ); beam search keeps the <see cref="Beam"/> best
/// partial sequences by log-probability and returns the best (deterministic).
/// </summary>
public sealed record SamplingOptions(
    double Temperature,
    int TopK,
    double TopP,
    int Beam,
    double RepetitionPenalty,
    int MinLength,
    int MaxLength,
    bool Prompted,
    int PromptLength)
{
    public static SamplingOptions Default => new(1, 0, 1, 1, 1, -1, 0, false, 0);

    /// <summary>No transform of the model's distribution: each token is one exact draw from the model.</summary>
    public bool IsPlain => Temperature == 1 && TopK == 0 && TopP >= 1 && RepetitionPenalty == 1 && Beam == 1;

    /// <summary>Lengths left at 0 (the default) become the real sequences' length <paramref name="length"/>.</summary>
    public SamplingOptions Resolve(int length)
    {
        var max = MaxLength > 0 ? MaxLength : length;
        return this with
        {
            MaxLength = max,
            MinLength = MinLength >= 0 ? Math.Min(MinLength, max) : max,
            PromptLength = Prompted && PromptLength == 0 ? length : PromptLength,
        };
    }

    /// <summary>Reads <c>sampling:</c>; lengths not given follow the data (resolved at fit time).</summary>
    public static SamplingOptions Read(SpecReader s)
    {
        var temperature = s.Double("temperature", 1.0, min: 0, exclusiveMin: true);
        var topK = s.Int("top_k", 0, min: 0);
        var topP = s.Double("top_p", 1.0, min: 0, max: 1, exclusiveMin: true);
        var beam = s.Int("beam", 1, min: 1, max: 64);
        var penalty = s.Double("repetition_penalty", 1.0, min: 1);
        var maxLength = s.Has("max_length") ? s.Int("max_length", null, min: 1, max: 1_000_000) : 0;
        var minLength = s.Has("min_length") ? s.Int("min_length", null, min: 0, max: maxLength > 0 ? maxLength : 1_000_000) : -1;
        s.Node("max_length");
        s.Node("min_length");
        var prompt = s.Choice("prompt", "none", ["none", "real"]) == "real";
        var promptLength = prompt && s.Has("prompt_length") ? s.Int("prompt_length", null, min: 1) : 0;
        s.Node("prompt_length");
        if (beam > 1 && (temperature != 1 || topK != 0 || topP < 1))
        {
            throw s.Error("beam", "beam search is deterministic: it keeps the likeliest sequences, so temperature, top_k and top_p do not apply. Remove them or set beam: 1.");
        }
        s.Done();
        return new SamplingOptions(temperature, topK, topP, beam, penalty, minLength, maxLength, prompt, promptLength);
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
        if (TopK > 0)
        {
            parts.Add($"top-k {TopK}");
        }
        if (TopP < 1)
        {
            parts.Add($"top-p {TopP:G4}");
        }
        if (RepetitionPenalty != 1)
        {
            parts.Add($"repetition penalty {RepetitionPenalty:G4}");
        }
        parts.Add(Prompted ? $"{PromptLength}-token real prompts" : "unconditional");
        return string.Join(", ", parts);
    }
}
