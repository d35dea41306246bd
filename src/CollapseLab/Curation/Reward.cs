using System.Text.RegularExpressions;
using CollapseLab.Data;
using CollapseLab.Data.Text;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>A reward r(x) per sample, higher is preferred; read from <c>reward: { kind: …, … }</c>.</summary>
public abstract class Reward
{
    public static readonly string[] Kinds = ["distance", "log_density", "length", "pattern"];

    public abstract string Describe();

    /// <summary>Why this reward cannot score this data, or null.</summary>
    public abstract string? Unsupported(ExperimentData data);

    /// <summary>destination[i] = r(item i of <paramref name="batch"/>).</summary>
    public abstract void Score(DataBatch batch, ExperimentData data, Span<double> destination);

    public static Reward Read(SpecReader reward) => reward.Choice("kind", null, Kinds) switch
    {
        "distance" => new DistanceReward(reward.Doubles("target") ?? throw reward.Error("target", "a distance reward needs a target point, e.g. target: [2, 0]."),
            reward.Doubles("dims")?.Select(d => (int)d).ToArray()),
        "log_density" => new LogDensityReward(),
        "length" => new LengthReward(),
        _ => new PatternReward(TextPattern.Read(reward, "pattern")),
    };
}

/// <summary>r(x) = −‖x − target‖ over the coordinates in dims (all when absent): closeness to a target point.</summary>
public sealed class DistanceReward(double[] target, int[]? dims) : Reward
{
    /// <summary>The rewarded coordinates, or null for all of them.</summary>
    public int[]? Dims { get; } = dims;

    public override string Describe() => $"−‖x − ({string.Join(", ", target.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))})‖" + (Dims is null ? "" : $" on dims {string.Join(",", Dims)}");

    public override string? Unsupported(ExperimentData data)
    {
        if (data is not RowData rows)
        {
            return "reward distance needs numeric rows.";
        }
        var width = Dims?.Length ?? rows.Dim;
        if (target.Length != width)
        {
            return $"reward target has {target.Length} entries but the rewarded coordinates are {width}; give one per coordinate.";
        }
        return Dims is not null && Dims.Any(d => d < 0 || d >= rows.Dim) ? $"reward dims must lie in 0 … {rows.Dim - 1}." : null;
    }

    public override void Score(DataBatch batch, ExperimentData data, Span<double> destination)
    {
        var rows = (RowBatch)batch;
        for (var i = 0; i < rows.Count; i++)
        {
            var x = rows.Row(i);
            var sum = 0.0;
            for (var c = 0; c < target.Length; c++)
            {
                var diff = x[Dims?[c] ?? c] - target[c];
                sum += diff * diff;
            }
            destination[i] = -Math.Sqrt(sum);
        }
    }
}

/// <summary>r(x) = log p*(x), the log-density under the data's exact truth.</summary>
public sealed class LogDensityReward : Reward
{
    public override string Describe() => "log p*(x)";

    public override string? Unsupported(ExperimentData data) => data is IKnownTruth { TruthDensity: not null } ? null
        : $"reward log_density needs the data's true density; this data ({data.Describe()}) has none. Use a gaussian, mixture or blobs source.";

    public override void Score(DataBatch batch, ExperimentData data, Span<double> destination)
    {
        var density = ((IKnownTruth)data).TruthDensity!;
        var rows = (RowBatch)batch;
        for (var i = 0; i < rows.Count; i++)
        {
            destination[i] = density.LogDensity(rows.Row(i));
        }
    }
}

/// <summary>r(x) = the number of tokens of a text.</summary>
public sealed class LengthReward : Reward
{
    public override string Describe() => "length in tokens";

    public override string? Unsupported(ExperimentData data) => data.Kind == DataKind.Tokens ? null : "reward length needs text (token sequences).";

    public override void Score(DataBatch batch, ExperimentData data, Span<double> destination)
    {
        var texts = (TokenBatch)batch;
        for (var i = 0; i < texts.Count; i++)
        {
            destination[i] = texts.Length(i);
        }
    }
}

/// <summary>r(x) = 1 when the decoded text matches the regular expression, else 0.</summary>
public sealed class PatternReward(Regex pattern) : Reward
{
    public override string Describe() => $"matches /{pattern}/";

    public override string? Unsupported(ExperimentData data) => data.Kind == DataKind.Tokens ? null : "reward pattern needs text (token sequences).";

    public override void Score(DataBatch batch, ExperimentData data, Span<double> destination)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            destination[i] = TextPattern.Matches(pattern, batch.Preview(i)) ? 1 : 0;
        }
    }
}
