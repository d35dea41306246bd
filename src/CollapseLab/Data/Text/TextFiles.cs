using System.Text;
using CollapseLab.Specs;

namespace CollapseLab.Data.Text;

/// <summary>Reads text files strictly: UTF-8 (a BOM is skipped), no NUL bytes, with errors that say where.</summary>
public static class TextFiles
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new SpecException($"{path}: file not found. Check the path in data.source or data.path (relative to the spec file).");
        }
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>The text of <paramref name="bytes"/>; a binary file (a NUL byte) or invalid UTF-8 is an error naming the byte offset and line.</summary>
    public static string Decode(byte[] bytes, string name)
    {
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var nul = bytes.AsSpan(start).IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new SpecException($"{name}: looks like a binary file (a NUL byte at byte offset {start + nul}, line {LineOf(bytes, start + nul)}); a text source needs UTF-8 text.");
        }
        try
        {
            return Strict.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            var offset = FirstInvalid(bytes, start);
            throw new SpecException($"{name}: invalid UTF-8 at byte offset {offset} (line {LineOf(bytes, offset)}, byte 0x{bytes[offset]:X2}); convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8).");
        }
    }

    private static int LineOf(byte[] bytes, int offset) => bytes.AsSpan(0, offset).Count((byte)'\n') + 1;

    /// <summary>Offset of the first byte that does not start or continue a valid UTF-8 sequence.</summary>
    private static int FirstInvalid(byte[] bytes, int start)
    {
        var i = start;
        while (i < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes.AsSpan(i), out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return i;
            }
            i += consumed;
        }
        return bytes.Length - 1;
    }
}
