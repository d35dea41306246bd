using CollapseLab.Data.Images;
using CollapseLab.Metrics.Images;
using CollapseLab.Storage;
using CollapseLab.Summaries;

namespace CollapseLab.Reports;

/// <summary>
/// After a run on image data, draws each generation's first 64 previewed samples (first recorded replicate, from
/// samples.csv) as an 8×8 grid into images/&lt;arm&gt;/gen_&lt;g&gt;.png, where the report's gallery finds them.
/// </summary>
public static class SampleGrids
{
    public const int Columns = 8;
    public const int PerGrid = Columns * Columns;
    private const int Gap = 2;
    private const byte GapShade = 96;

    public static void Write(RunFolder folder, RunSummary summary)
    {
        var images = summary.Spec.Arms.Where(a => a.Data is ImageData).ToDictionary(a => a.Name, a => (ImageData)a.Data);
        if (images.Count == 0 || !File.Exists(folder.File("samples.csv")))
        {
            return;
        }
        foreach (var preview in SampleTables.Previews(folder, summary.Spec.Generations + 1, PerGrid))
        {
            if (!images.TryGetValue(preview.Arm, out var data) || preview.Numeric() is not { } rows)
            {
                continue;
            }
            var directory = Path.Combine(folder.File("images"), Safe(preview.Arm));
            Directory.CreateDirectory(directory);
            foreach (var (g, list) in rows)
            {
                if (list.Count > 0 && list[0].Length == data.Dim)
                {
                    var (pixels, width, height) = Grid(list, data.Width, data.Height);
                    PngWriter.Write(Path.Combine(directory, $"gen_{g}.png"), pixels, width, height);
                }
            }
        }
    }

    /// <summary>Tiles images (rows of w·h values in [0, 1]) into a grid of <see cref="Columns"/> per row.</summary>
    public static (byte[] Pixels, int Width, int Height) Grid(IReadOnlyList<double[]> images, int w, int h)
    {
        var columns = Math.Min(Columns, images.Count);
        var gridRows = (images.Count + columns - 1) / columns;
        var width = columns * (w + Gap) + Gap;
        var height = gridRows * (h + Gap) + Gap;
        var pixels = new byte[width * height];
        Array.Fill(pixels, GapShade);
        for (var k = 0; k < images.Count; k++)
        {
            var (x0, y0) = (Gap + k % columns * (w + Gap), Gap + k / columns * (h + Gap));
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var v = images[k][y * w + x];
                    pixels[(y0 + y) * width + x0 + x] = (byte)Math.Round(255 * (double.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0));
                }
            }
        }
        return (pixels, width, height);
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
}
