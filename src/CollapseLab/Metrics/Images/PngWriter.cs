using System.Buffers.Binary;
using System.IO.Compression;

namespace CollapseLab.Metrics.Images;

/// <summary>
/// Minimal PNG encoder for 8-bit greyscale images: signature, IHDR, one zlib-compressed IDAT (filter 0 per row),
/// IEND; each chunk carries the CRC-32 (polynomial 0xEDB88320) of its type and data.
/// </summary>
public static class PngWriter
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] Table = MakeTable();

    /// <summary>Writes <paramref name="pixels"/> (height·width, row-major, 0 = black) to <paramref name="path"/>.</summary>
    public static void Write(string path, byte[] pixels, int width, int height)
    {
        using var file = File.Create(path);
        Write(file, pixels, width, height);
    }

    public static void Write(Stream output, byte[] pixels, int width, int height)
    {
        if (width <= 0 || height <= 0 || pixels.Length != width * height)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make a {width}×{height} image", nameof(pixels));
        }
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // colour type: greyscale; compression, filter and interlace methods stay 0
        WriteChunk(output, "IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(pixels, y * width, width);
            }
        }
        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc32(typeBytes, 0xFFFFFFFFu);
        crc = Crc32(data, crc) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>Continues a CRC-32 register over <paramref name="data"/> (start with 0xFFFFFFFF, finish by xor 0xFFFFFFFF).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data, uint register)
    {
        foreach (var b in data)
        {
            register = Table[(register ^ b) & 0xFF] ^ (register >> 8);
        }
        return register;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
