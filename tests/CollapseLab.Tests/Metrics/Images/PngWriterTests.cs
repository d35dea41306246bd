using System.Buffers.Binary;
using System.IO.Compression;
using CollapseLab.Metrics.Images;

namespace CollapseLab.Tests.Metrics.Images;

public class PngWriterTests
{
    /// <summary>CRC-32 bit by bit, independent of the writer's table.</summary>
    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c ^= b;
            for (var k = 0; k < 8; k++)
            {
                c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
            }
        }
        return ~c;
    }

    [Fact]
    public void The_crc_of_the_standard_check_string()
    {
        var check = "123456789"u8;
        Assert.Equal(0xCBF43926u, PngWriter.Crc32(check, 0xFFFFFFFFu) ^ 0xFFFFFFFFu);
        Assert.Equal(0xCBF43926u, Crc(check));
    }

    [Fact]
    public void A_written_png_has_valid_chunks_and_decodes_to_its_pixels()
    {
        var (width, height) = (5, 3);
        var pixels = Enumerable.Range(0, width * height).Select(i => (byte)(i * 17)).ToArray();
        using var stream = new MemoryStream();
        PngWriter.Write(stream, pixels, width, height);
        var png = stream.ToArray();
        Assert.Equal(PngWriter.Signature, png[..8]);

        var chunks = new List<(string Type, byte[] Data)>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), Crc(typeAndData));
            chunks.Add((System.Text.Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + length;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal(8, header[8]);

        using var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var scanlines = raw.ToArray();
        Assert.Equal(height * (width + 1), scanlines.Length);
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, scanlines[y * (width + 1)]);
            Assert.Equal(pixels[(y * width)..((y + 1) * width)], scanlines[(y * (width + 1) + 1)..((y + 1) * (width + 1))]);
        }
    }
}
