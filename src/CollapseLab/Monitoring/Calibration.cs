using System.Text.Json;
using System.Text.Json.Serialization;
using CollapseLab.Storage;

namespace CollapseLab.Monitoring;

/// <summary>
/// A calibrated threshold: on <see cref="Replicates"/> chains of the null arm, the rule's largest statistic over
/// generations 1 … G exceeded <see cref="Value"/> in a share <see cref="CalibrationFar"/> ≤ <see cref="Far"/> of them.
/// <see cref="Scale"/> is the null arm's spread of one-generation changes that cusum and page-hinkley work in.
/// </summary>
public sealed record Threshold(string NullArm, string Signal, string Trouble, string Rule, double Far, int Replicates,
    double Value, double Scale, double CalibrationFar)
{
    public static string Key(string nullArm, Signal signal, MonitorRule rule, double far, int replicates) =>
        FormattableString.Invariant($"{nullArm}|{signal.Metric}|{signal.Trouble}|{rule.Label}|{far:R}|{replicates}");

    public string Key() => FormattableString.Invariant($"{NullArm}|{Signal}|{Trouble}|{Rule}|{Far:R}|{Replicates}");
}

/// <summary>calibration.json: every threshold a run's monitors use, stored with the run so a resumed run or a shard reads the same bits.</summary>
public sealed record Calibration(IReadOnlyList<Threshold> Thresholds)
{
    public const string FileName = "calibration.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public Threshold? Find(string key) => Thresholds.FirstOrDefault(t => t.Key() == key);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public void Save(RunFolder folder) => AtomicFile.WriteText(folder.File(FileName), ToJson());

    public static Calibration? Load(RunFolder folder)
    {
        var path = folder.File(FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Calibration>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new RunFolderException($"{path}: not a calibration file ({e.Message}). Delete it: the run recalibrates to the same thresholds.");
        }
    }
}
