using CollapseLab.Running;

namespace CollapseLab.Storage;

/// <summary>
/// Append-only log of completed chains (chains.bin): each record is its length, its bytes and an FNV-1a
/// checksum, flushed to disk. A crash can only leave a torn last record, which reading detects and drops.
/// </summary>
public sealed class ChainLog
{
    private readonly string _path;
    private readonly Lock _gate = new();

    public ChainLog(string path) => _path = path;

    public void Append(ChainResult result)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            result.Write(w);
        }
        var bytes = buffer.ToArray();
        lock (_gate)
        {
            using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var w = new BinaryWriter(file);
            w.Write(bytes.Length);
            w.Write(bytes);
            w.Write(Fnv1a(bytes));
            w.Flush();
            file.Flush(flushToDisk: true);
        }
    }

    public List<ChainResult> ReadAll()
    {
        var results = new List<ChainResult>();
        if (!File.Exists(_path))
        {
            return results;
        }
        using var file = File.OpenRead(_path);
        using var r = new BinaryReader(file);
        while (file.Length - file.Position >= 4)
        {
            var length = r.ReadInt32();
            if (length < 0 || file.Length - file.Position < length + 8L)
            {
                break;
            }
            var bytes = r.ReadBytes(length);
            if (r.ReadUInt64() != Fnv1a(bytes))
            {
                break;
            }
            using var record = new BinaryReader(new MemoryStream(bytes));
            results.Add(ChainResult.Read(record));
        }
        return results;
    }

    internal static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 0x100000001B3UL;
        }
        return h;
    }
}
