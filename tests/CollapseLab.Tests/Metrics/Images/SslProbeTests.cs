using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Metrics.Images;
using CollapseLab.Random;
using CollapseLab.Tests.Families.Vae;

namespace CollapseLab.Tests.Metrics.Images;

public class SslProbeTests
{
    private static ImageData Data() => (ImageData)TestSpecs.Load(VaeTestData.Spec()).Arms[0].Data;

    [Fact]
    public void An_encoder_trained_on_real_images_probes_the_three_classes_far_above_chance()
    {
        // The 8×8 test images hold three easy classes (chance 1/3); the probe fits 400 labelled images, scores 200.
        var data = Data();
        var accuracy = SslProbeMetric.Probe(data, data.TrainPortion, new StreamKey(1, 0, 0, Purpose.Metric));
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
        Assert.Equal(accuracy, SslProbeMetric.Probe(data, data.TrainPortion, new StreamKey(1, 0, 0, Purpose.Metric)));
    }

    [Fact]
    public void A_single_image_or_none_is_a_result_not_a_crash()
    {
        // No negatives for InfoNCE: the encoder keeps its initial weights and the probe still reports an accuracy.
        var data = Data();
        var one = (RowBatch)data.TrainPortion.Compose([new BatchPart(data.TrainPortion, [0])]);
        var none = (RowBatch)data.TrainPortion.Compose([new BatchPart(data.TrainPortion, [])]);
        foreach (var images in new[] { one, none })
        {
            var accuracy = SslProbeMetric.Probe(data, images, new StreamKey(1, 0, 0, Purpose.Metric));
            Assert.InRange(accuracy, 0, 1);
        }
    }

    [Fact]
    public void Views_stay_in_the_unit_interval_and_differ_from_each_other()
    {
        var image = Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();
        var rng = new RandomStream(5);
        var (a, b) = (new float[64], new float[64]);
        ContrastiveEncoder.Augment(image, 8, 8, rng, a);
        ContrastiveEncoder.Augment(image, 8, 8, rng, b);
        Assert.All(a.Concat(b), v => Assert.InRange(v, 0f, 1f));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Row_data_is_refused_naming_what_the_metric_needs()
    {
        var e = Assert.Throws<CollapseLab.Specs.SpecException>(() => TestSpecs.Load("""
            generations: 1
            data: { source: grid }
            model: { family: diffusion, timesteps: 10, steps: 5 }
            metrics: [ssl_probe]
            """));
        Assert.Contains("ssl_probe", e.Message, StringComparison.Ordinal);
        Assert.Contains("image data source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cli_exits_with_code_2_and_writes_no_run_for_ssl_probe_on_rows()
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, "name: bad\ngenerations: 1\ndata: { source: grid }\nmodel: { family: diffusion, timesteps: 10, steps: 2 }\nmetrics: [ssl_probe]\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var runs = Path.Combine(dir, "runs");
        Assert.Equal(2, CollapseLab.Cli.CollapseCli.Run(["run", path, "--runs", runs, "--quiet"], output, error));
        Assert.Contains("ssl_probe", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateDirectories(runs).Any(), "a run folder was written");
    }
}
