using CollapseLab.Data.Text;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Language.Data;

public class TextFilesTests
{
    [Fact]
    public void InvalidUtf8SaysWhere()
    {
        byte[] bytes = [.. "line one\nline two é\n"u8.ToArray(), 0xC3, 0x28, .. "rest"u8.ToArray()];
        var e = Assert.Throws<SpecException>(() => TextFiles.Decode(bytes, "bad.txt"));
        Assert.Contains("invalid UTF-8 at byte offset 21 (line 3, byte 0xC3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryFileIsRefused()
    {
        var e = Assert.Throws<SpecException>(() => TextFiles.Decode([0x50, 0x4B, 0x03, 0x04, 0x00, 0x01], "archive.zip"));
        Assert.Contains("binary", e.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ByteOrderMarkIsSkipped() =>
        Assert.Equal("abc", TextFiles.Decode([0xEF, 0xBB, 0xBF, (byte)'a', (byte)'b', (byte)'c'], "bom.txt"));
}
