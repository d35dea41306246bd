using System.Text.RegularExpressions;
using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Keeps the texts whose decoded form matches a regular expression (Kazdan et al. 2024 keep only samples in the
/// expected format). With <c>top_up</c> the stage resamples until enough are kept or its cap is hit. O(total text
/// length) per batch for a linear-time pattern; each match is bounded by <see cref="TextPattern.Timeout"/>.
/// </summary>
public sealed class FormatStep(Regex pattern) : CurationStep
{
    public override string Name => "format";

    public override string Describe() => $"format (matches /{pattern}/)";

    public static CurationStep Read(SpecReader step) => new FormatStep(TextPattern.Read(step, "pattern"));

    public override string? Unsupported(ExperimentData data, int samples) =>
        data.Kind == DataKind.Tokens ? null : "checks the format of texts; this data is numeric rows.";

    public override CurationOutcome Apply(CurationInput input)
    {
        var samples = input.Samples;
        var keep = Enumerable.Range(0, samples.Count).Where(i => TextPattern.Matches(pattern, samples.Preview(i))).ToArray();
        return CurationOutcome.Keep(samples, keep);
    }
}
