using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollapseLab.Storage;

/// <summary>shard.json: which spec and shard this is, how far it got, and when; "done" is the merge's marker.</summary>
public sealed record ShardManifest
{
    public const string FileName = "shard.json";

    public required string SpecHash { get; init; }
    public required int Shard { get; init; }
    public required int Shards { get; init; }
    public required string Status { get; init; }
    public required int Chains { get; init; }
    public int Completed { get; init; }
    public double Seconds { get; init; }
    public DateTime Updated { get; init; } = DateTime.UtcNow;
    public string Host { get; init; } = Environment.MachineName;

    public bool Done => Status == "done";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(RunFolder shard) => AtomicFile.WriteText(shard.File(FileName), JsonSerializer.Serialize(this, Options));

    public static ShardManifest? Load(RunFolder shard)
    {
        var path = shard.File(FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new RunFolderException($"{path}: not a shard manifest ({e.Message}). Delete the shard's folder and rerun that shard.");
        }
    }
}
