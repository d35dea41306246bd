using CollapseLab.Reports;

namespace CollapseLab.Tests.Reports;

public class SampleGridsTests
{
    [Fact]
    public void A_grid_tiles_images_with_gaps()
    {
        var images = Enumerable.Range(0, 10).Select(i => Enumerable.Repeat(i / 10.0, 4).ToArray()).ToList();
        var (pixels, width, height) = SampleGrids.Grid(images, 2, 2);
        Assert.Equal((8 * 4 + 2, 2 * 4 + 2), (width, height));
        Assert.Equal(pixels.Length, width * height);
        // The second image (value 0.1) starts at (2 + 4, 2).
        Assert.Equal((byte)Math.Round(25.5), pixels[2 * width + 6]);
    }
}
