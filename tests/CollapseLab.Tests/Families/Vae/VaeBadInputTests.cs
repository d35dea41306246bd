using CollapseLab.Cli;
using CollapseLab.Data.Images;

namespace CollapseLab.Tests.Families.Vae;

/// <summary>Bad image data and VAE options: a message naming the file or key, exit code 2.</summary>
public class VaeBadInputTests
{
    private static (int Code, string Error) Run(string yaml)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, yaml);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run(["run", path, "--runs", Path.Combine(dir, "runs"), "--quiet"], output, error);
        return (code, error.ToString());
    }

    private static void AssertRejected(string yaml, params string[] expected)
    {
        var (code, error) = Run(yaml);
        Assert.Equal(2, code);
        foreach (var e in expected)
        {
            Assert.Contains(e, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_truncated_idx_file_is_named()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "cut.idx");
        IdxFile.Write(path, new byte[10 * 64], 10, 8, 8);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..100]);
        AssertRejected(VaeTestData.Spec().Replace($"idx:{VaeTestData.Folder}/train-images.idx.gz", $"idx:{path}", StringComparison.Ordinal), path, "truncated");
    }

    [Fact]
    public void Test_images_of_the_wrong_size_are_rejected()
    {
        var path = Path.Combine(TestSpecs.TempDirectory(), "big.idx");
        IdxFile.Write(path, new byte[200 * 100], 200, 10, 10);
        AssertRejected(VaeTestData.Spec().Replace($"{VaeTestData.Folder}/test-images.idx.gz", path, StringComparison.Ordinal), "10×10", "'data.test_images'");
    }

    [Fact]
    public void A_missing_fashion_mnist_folder_says_what_to_set() =>
        AssertRejected("""
            name: x
            generations: 1
            data: { source: fashion-mnist, folder: /nonexistent/fmnist }
            model: { family: vae }
            """, "/nonexistent/fmnist/train-images-idx3-ubyte.gz", "not found");

    [Fact]
    public void A_shift_larger_than_the_image_is_rejected() =>
        AssertRejected(VaeTestData.Spec("  augment: { shift: 8 }"), "'model.augment'", "off the canvas");

    [Fact]
    public void An_unknown_decoder_is_rejected() =>
        AssertRejected(VaeTestData.Spec("  decoder: poisson"), "'model.decoder'", "bernoulli");

    [Fact]
    public void The_old_checkpoints_key_is_refused_with_the_new_name() =>
        AssertRejected(VaeTestData.Spec("  checkpoints: models"), "'model.checkpoints'", "Did you mean 'save_models'?");

    [Fact]
    public void Validation_images_that_leave_nothing_to_train_on_are_rejected() =>
        AssertRejected(VaeTestData.Spec("  early_stopping: { validation: 400 }"), "'model.early_stopping'", "nothing to train on");
}
