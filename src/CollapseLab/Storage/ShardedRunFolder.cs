using System.Security.Cryptography;
using System.Text;

namespace CollapseLab.Storage;

/// <summary>
/// A run split into shards: DIR/spec.yaml (the resolved spec every shard must share; its hash on the first line),
/// DIR/shards/I/ per shard (a chain log, checkpoints, shard.json, chains.log), and after the merge the usual run
/// files in DIR itself, so DIR is then an ordinary run folder.
/// </summary>
public sealed class ShardedRunFolder
{
    private const string HashPrefix = "# spec sha256: ";

    public ShardedRunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    public string SpecPath => System.IO.Path.Combine(Path, RunFolder.SpecFile);

    public string ShardsPath => System.IO.Path.Combine(Path, "shards");

    public RunFolder Shard(int index) => new(System.IO.Path.Combine(ShardsPath, index.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The first 16 hex digits of SHA-256 over a resolved spec's canonical YAML: the spec's content address.</summary>
    public static string Hash(string resolvedYaml) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(resolvedYaml)))[..16];

    /// <summary>A chain's content address: the spec's hash, the arm and the replicate.</summary>
    public static string ChainAddress(string specHash, int arm, int replicate) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{specHash}/{arm}/{replicate}")))[..16];

    /// <summary>
    /// Writes spec.yaml if no shard has yet (first writer wins, atomically), else checks that the folder's spec is
    /// this one: shards of different specs never share a folder.
    /// </summary>
    public void Claim(string resolvedYaml, string hash)
    {
        Directory.CreateDirectory(Path);
        var temporary = $"{SpecPath}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, $"{HashPrefix}{hash}\n# Resolved spec of a sharded run. Merge the shards with 'collapse merge {Path}'.\n{resolvedYaml}");
        try
        {
            File.Move(temporary, SpecPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(SpecPath))
        {
            File.Delete(temporary);
            var existing = StoredHash();
            if (existing != hash)
            {
                throw new RunFolderException($"{Path} holds shards of another spec (sha256 {existing}, this one is {hash}): a sharded run's folder takes one spec. Use a new --out folder, or run the same spec and --set overrides as its other shards.");
            }
        }
    }

    /// <summary>The hash recorded on spec.yaml's first line, or null when this is not a sharded run.</summary>
    public string? StoredHash()
    {
        if (!File.Exists(SpecPath))
        {
            return null;
        }
        using var reader = new StreamReader(SpecPath);
        var first = reader.ReadLine();
        return first is not null && first.StartsWith(HashPrefix, StringComparison.Ordinal) ? first[HashPrefix.Length..].Trim() : null;
    }
}
