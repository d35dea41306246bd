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

    public void Save(RunFolder shard) => AtomicFile.WriteText(shard.File(FileName), JsonSerializer.Serialize(this, ShardManifestJson.Default.ShardManifest));

    public static ShardManifest? Load(RunFolder shard)
    {
        var path = shard.File(FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), ShardManifestJson.Default.ShardManifest);
        }
        catch (JsonException e)
        {
            throw new RunFolderException($"{path}: not a shard manifest ({e.Message}). Delete the shard's folder and rerun that shard.");
        }
    }
}

/// <summary>
/// shard.json's (de)serializer, generated at build time: every shard process reads and writes it, and the reflection
/// serializer would compile its converters and emit accessors first (about a tenth of a JIT build's start-up).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ShardManifest))]
internal sealed partial class ShardManifestJson : JsonSerializerContext;
