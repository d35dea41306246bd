using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace CollapseLab.Tensors.IO;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header mapping each name to
/// {dtype, shape, data_offsets}, then the raw little-endian tensor bytes. Writes F32; reads F32, F16, BF16 and F64,
/// converting to float32. Problems are reported as <see cref="InvalidDataException"/> naming the file and tensor.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeader = 100L << 20;

    /// <summary>Writes tensors as F32, in the order given, with optional string metadata.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, t) in list)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + (4L * t.Length));
                w.WriteEndArray();
                w.WriteEndObject();
                offset += 4L * t.Length;
            }

            w.WriteEndObject();
        }

        // The header is padded with spaces to a multiple of 8 so the data that follows is aligned.
        var header = json.ToArray();
        var padded = (header.Length + 7) / 8 * 8;
        using var f = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        f.Write(len);
        f.Write(header);
        for (var i = header.Length; i < padded; i++)
        {
            f.WriteByte((byte)' ');
        }

        foreach (var (_, t) in list)
        {
            var bytes = new byte[4 * t.Length];
            var data = t.Data;
            for (var i = 0; i < data.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
            }

            f.Write(bytes);
        }
    }

    /// <summary>Writes every slice of a parameter block under its name.</summary>
    public static void Save(string path, ParameterBlock parameters, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, parameters.Slices.Select(s => KeyValuePair.Create(s.Name, s.Tensor)), metadata);

    /// <summary>Reads every tensor of a file as float32, keyed by name.</summary>
    public static Dictionary<string, Tensor> Load(string path) => Load(File.ReadAllBytes(path), path);

    /// <summary>Reads a safetensors image from memory; <paramref name="source"/> names it in error messages.</summary>
    public static Dictionary<string, Tensor> Load(ReadOnlySpan<byte> file, string source = "safetensors data")
    {
        if (file.Length < 8)
        {
            throw new InvalidDataException($"{source}: {file.Length} bytes is too short for the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeader || (long)headerLength > file.Length - 8)
        {
            throw new InvalidDataException($"{source}: the header claims {headerLength} bytes but the file holds {file.Length - 8} after the length; the file is truncated or not safetensors");
        }

        var data = file[(8 + (int)headerLength)..];
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(file.Slice(8, (int)headerLength).ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the header is not valid JSON ({e.Message})", e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: the header must be a JSON object");
            }

            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }

                result[entry.Name] = ReadTensor(entry, data, source);
            }

            return result;
        }
    }

    /// <summary>Copies each slice of <paramref name="parameters"/> from the tensor of the same name; shapes must match.</summary>
    public static void LoadInto(string path, ParameterBlock parameters)
    {
        var tensors = Load(path);
        foreach (var slice in parameters.Slices)
        {
            if (!tensors.TryGetValue(slice.Name, out var t))
            {
                throw new InvalidDataException($"{path}: no tensor '{slice.Name}'; the file holds {string.Join(", ", tensors.Keys)}");
            }

            if (!t.Shape.SequenceEqual(slice.Tensor.Shape))
            {
                throw new InvalidDataException($"{path}: tensor '{slice.Name}' has shape {Shapes.Format(t.Shape)}, the model needs {Shapes.Format(slice.Tensor.Shape)}");
            }

            t.Data.CopyTo(slice.Tensor.Data);
        }
    }

    private static Tensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data, string source)
    {
        var name = entry.Name;
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' needs dtype, shape and data_offsets [begin, end]");
        }

        var dtype = dtypeEl.GetString()!;
        var size = dtype switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            "F64" => 8,
            _ => throw new InvalidDataException($"{source}: tensor '{name}' has dtype {dtype}; only F32, F16, BF16 and F64 can be read as float32"),
        };
        var shape = new int[shapeEl.GetArrayLength()];
        var i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (!d.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw new InvalidDataException($"{source}: tensor '{name}' has an invalid shape {shapeEl.GetRawText()}");
            }

            i++;
        }

        if (shape.Length > Tensor.MaxRank)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' has rank {shape.Length}; at most {Tensor.MaxRank} is supported");
        }

        if (!offEl[0].TryGetInt64(out var begin) || !offEl[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' has invalid data_offsets {offEl.GetRawText()}");
        }

        var count = Shapes.Count(shape);
        if (end - begin != (long)count * size)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' {dtype}{Shapes.Format(shape)} needs {(long)count * size} bytes, but data_offsets span {end - begin}");
        }

        if (end > data.Length)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' ends at byte {end} of the data, but only {data.Length} bytes follow the header; the file is truncated");
        }

        var bytes = data[(int)begin..(int)end];
        var values = new float[count];
        for (var j = 0; j < count; j++)
        {
            values[j] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * j)..]),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * j)..]),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * j)..]) << 16),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * j)..]),
            };
        }

        return Tensor.FromArray(values, shape);
    }

    /// <summary>The metadata strings of a file, empty when it has none.</summary>
    public static Dictionary<string, string> Metadata(string path)
    {
        var file = File.ReadAllBytes(path);
        Load(file, path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, headerLength));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("__metadata__", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in meta.EnumerateObject())
            {
                result[p.Name] = p.Value.ToString();
            }
        }

        return result;
    }
}
