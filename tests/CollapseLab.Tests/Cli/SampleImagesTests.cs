using System.Buffers.Binary;
using CollapseLab.Cli;
using CollapseLab.Metrics.Images;
using CollapseLab.Tests.Families.Vae;

namespace CollapseLab.Tests.Cli;

/// <summary>'collapse sample' of a VAE run draws its saved model's images into a PNG grid.</summary>
public class SampleImagesTests
{
    static SampleImagesTests() => Environment.SetEnvironmentVariable("COLLAPSELAB_CACHE", TestSpecs.TempDirectory());

    private static int Cli(out string output, params string[] args)
    {
        using var o = new StringWriter();
        var code = CollapseCli.Run(args, o, TextWriter.Null);
        output = o.ToString();
        return code;
    }

    [Fact]
    public void A_vae_run_samples_to_a_png_grid()
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "vae.yaml");
        File.WriteAllText(spec, VaeTestData.Spec("  save_models: true", generations: 1));
        var runs = Path.Combine(dir, "runs");
        Assert.Equal(0, Cli(out _, "run", spec, "--runs", runs, "--quiet", "--threads", "2"));
        var run = Path.GetFileName(Directory.GetDirectories(runs, "vae-test-*").Single());

        var png = Path.Combine(dir, "grid.png");
        Assert.Equal(0, Cli(out var output, "sample", run, "--runs", runs, "--count", "12", "--output", png, "--threads", "1"));
        Assert.Contains(png, output, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(PngWriter.Signature, bytes[..8]);
        // 12 images of 8×8 in rows of 8 with 2-pixel gaps: 8·10+2 wide, 2·10+2 high.
        Assert.Equal(82, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(22, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));

        // The same seed draws the same images on any thread count; the default path is under the run folder.
        Assert.Equal(0, Cli(out output, "sample", run, "--runs", runs, "--count", "12", "--threads", "2"));
        var defaultPath = Path.Combine(runs, run, "samples", "replace-gen1.png");
        Assert.Contains(defaultPath, output, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(defaultPath));
    }
}
