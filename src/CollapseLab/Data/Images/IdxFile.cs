using System.Buffers.Binary;
using System.IO.Compression;

namespace CollapseLab.Data.Images;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST, optionally gzipped: a big-endian header (magic 0x00000803 and
/// n, rows, columns for images; 0x00000801 and n for labels) followed by n·rows·columns (or n) unsigned bytes.
/// Every inconsistency raises an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class IdxFile
{
    public const int ImageMagic = 0x00000803;
    public const int LabelMagic = 0x00000801;

    /// <summary>Images as bytes (n·rows·columns, row-major), with their shape.</summary>
    public sealed record Images(byte[] Pixels, int Count, int Rows, int Columns)
    {
        public int PixelsPerImage => Rows * Columns;
    }

    public static Images ReadImages(string path)
    {
        var bytes = ReadAll(path);
        var magic = Header(bytes, 0, path);
        if (magic != ImageMagic)
        {
            throw new InvalidDataException(MagicMessage(path, magic, ImageMagic, "images"));
        }
        var (n, rows, columns) = (Header(bytes, 4, path), Header(bytes, 8, path), Header(bytes, 12, path));
        if (n < 0 || rows <= 0 || columns <= 0 || (long)rows * columns > 1 << 24)
        {
            throw new InvalidDataException($"{path}: implausible image header ({n} images of {rows}×{columns}); the file is corrupt.");
        }
        var expected = 16L + (long)n * rows * columns;
        CheckLength(path, bytes.Length, expected, $"{n} images of {rows}×{columns}");
        return new Images(bytes[16..], n, rows, columns);
    }

    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        var magic = Header(bytes, 0, path);
        if (magic != LabelMagic)
        {
            throw new InvalidDataException(MagicMessage(path, magic, LabelMagic, "labels"));
        }
        var n = Header(bytes, 4, path);
        if (n < 0)
        {
            throw new InvalidDataException($"{path}: negative label count {n}; the file is corrupt.");
        }
        CheckLength(path, bytes.Length, 8L + n, $"{n} labels");
        return bytes[8..];
    }

    /// <summary>Writes images (or labels when <paramref name="rows"/> is 0) as IDX, gzipped when the path ends in .gz.</summary>
    public static void Write(string path, byte[] data, int count, int rows = 0, int columns = 0)
    {
        using var file = File.Create(path);
        using Stream output = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        void Put(int v)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, v);
            output.Write(word);
        }
        Put(rows == 0 ? LabelMagic : ImageMagic);
        Put(count);
        if (rows != 0)
        {
            Put(rows);
            Put(columns);
        }
        output.Write(data);
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }
        using var file = File.OpenRead(path);
        var gzipped = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using var memory = new MemoryStream();
        try
        {
            if (gzipped)
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                gzip.CopyTo(memory);
            }
            else
            {
                file.CopyTo(memory);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is corrupt or truncated ({e.Message}).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is truncated.", e);
        }
        return memory.ToArray();
    }

    private static int Header(byte[] bytes, int offset, string path) => bytes.Length >= offset + 4
        ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset, 4))
        : throw new InvalidDataException($"{path}: only {bytes.Length} bytes, too short for an IDX header; the file is truncated or not IDX.");

    private static void CheckLength(string path, long actual, long expected, string what)
    {
        if (actual < expected)
        {
            throw new InvalidDataException($"{path}: the header promises {what} ({expected} bytes) but the file has {actual}; it is truncated.");
        }
        if (actual > expected)
        {
            throw new InvalidDataException($"{path}: the header promises {what} ({expected} bytes) but the file has {actual}; it is corrupt.");
        }
    }

    private static string MagicMessage(string path, int magic, int expected, string what) =>
        $"{path}: magic number 0x{magic:X8} is not that of IDX {what} (0x{expected:X8}); is this the right file?";
}
