using CollapseLab.Data.Images;
using CollapseLab.Random;

namespace CollapseLab.Tests.Families.Vae;

/// <summary>Small seeded IDX files of 8×8 images in three classes (left half, top half, diagonal lit), with noise.</summary>
internal static class VaeTestData
{
    public const int Side = 8;

    public static string Folder { get; } = Make();

    private static string Make()
    {
        var dir = TestSpecs.TempDirectory();
        Write(dir, "train", 400, 1);
        Write(dir, "test", 200, 2);
        return dir;
    }

    private static void Write(string dir, string name, int count, ulong seed)
    {
        var rng = new RandomStream(seed);
        var pixels = new byte[count * Side * Side];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var c = labels[i] = (byte)(i % 3);
            for (var y = 0; y < Side; y++)
            {
                for (var x = 0; x < Side; x++)
                {
                    var lit = c switch { 0 => x < Side / 2, 1 => y < Side / 2, _ => Math.Abs(x - y) <= 1 };
                    var v = (lit ? 220 : 20) + 30 * (rng.NextDouble() - 0.5);
                    pixels[i * Side * Side + y * Side + x] = (byte)Math.Clamp(v, 0, 255);
                }
            }
        }
        IdxFile.Write(Path.Combine(dir, $"{name}-images.idx.gz"), pixels, count, Side, Side);
        IdxFile.Write(Path.Combine(dir, $"{name}-labels.idx"), labels, count);
    }

    /// <summary>A spec on these files; <paramref name="model"/> and <paramref name="extra"/> are YAML lines to add.</summary>
    public static string Spec(string model = "", string extra = "", int generations = 2) => $"""
        name: vae-test
        seed: 3
        generations: {generations}
        replicates: 1
        data:
          source: idx:{Folder}/train-images.idx.gz
          labels: {Folder}/train-labels.idx
          test_images: {Folder}/test-images.idx.gz
          test_labels: {Folder}/test-labels.idx
        model:
          family: vae
          hidden: 32
          latent: 4
          steps: 60
          batch_size: 32
        {model}
        samples_per_generation: 300
        metrics: [fid, class_entropy, classes_present, pixel_variance, feature_precision, feature_recall]
        {extra}
        """;
}
