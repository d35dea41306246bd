using CollapseLab.Data.Images;

namespace CollapseLab.Tests.Data.Images;

public class IdxFileTests
{
    private static byte[] Pixels(int count, int side)
    {
        var pixels = new byte[count * side * side];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 37 % 256);
        }
        return pixels;
    }

    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    public void Images_and_labels_round_trip(string name)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, name);
        var pixels = Pixels(5, 4);
        IdxFile.Write(path, pixels, 5, 4, 4);
        var images = IdxFile.ReadImages(path);
        Assert.Equal((5, 4, 4), (images.Count, images.Rows, images.Columns));
        Assert.Equal(pixels, images.Pixels);

        var labels = Path.Combine(dir, "labels" + Path.GetExtension(name));
        IdxFile.Write(labels, [3, 1, 4, 1, 5], 5);
        Assert.Equal([3, 1, 4, 1, 5], IdxFile.ReadLabels(labels));
    }

    [Fact]
    public void A_truncated_file_is_named_and_called_truncated()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "short.idx");
        IdxFile.Write(path, Pixels(5, 4), 5, 4, 4);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_gzip_file_is_an_error()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "short.idx.gz");
        IdxFile.Write(path, Pixels(50, 8), 50, 8, 8);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_not_images()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "labels.idx");
        IdxFile.Write(path, [1, 2, 3], 3);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains("0x00000801", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_bytes_are_corruption()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "long.idx");
        IdxFile.Write(path, Pixels(2, 4), 2, 4, 4);
        File.AppendAllText(path, "xx");
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_cut_short_is_an_error()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "tiny.idx");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains("too short", e.Message, StringComparison.Ordinal);
    }
}
