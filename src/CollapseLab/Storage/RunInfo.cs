using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollapseLab.Storage;

/// <summary>run.json: what ran, where, with which versions, and whether it finished.</summary>
public sealed record RunInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Status { get; init; }
    public required DateTime Started { get; init; }
    public DateTime? Finished { get; init; }
    public double Seconds { get; init; }
    public int Threads { get; init; }
    public string Version { get; init; } = typeof(RunInfo).Assembly.GetName().Version?.ToString() ?? "";
    public string Runtime { get; init; } = RuntimeInformation.FrameworkDescription;
    public string Machine { get; init; } = $"{RuntimeInformation.OSDescription}; {RuntimeInformation.ProcessArchitecture}; {Environment.ProcessorCount} cores";
    public string? MetricsFile { get; init; }

    /// <summary>The GEMM the chains use and how it was chosen; a resumed run takes the same implementation.</summary>
    public string? Gemm { get; init; }

    /// <summary>Seconds each curation step took, summed over chains ("arm: 1. step"); a timing, so only here and in the report.</summary>
    public Dictionary<string, double>? CurationSeconds { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(RunFolder folder) => AtomicFile.WriteText(folder.File(RunFolder.InfoFile), JsonSerializer.Serialize(this, Options));

    public static RunInfo? Load(RunFolder folder)
    {
        var path = folder.File(RunFolder.InfoFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Options) : null;
    }
}
