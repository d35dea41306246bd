using BenchmarkDotNet.Attributes;
using CollapseLab.Benchmarks.Tensors;
using CollapseLab.Data;
using CollapseLab.Data.Images;
using CollapseLab.Families;
using CollapseLab.Families.Neural;
using CollapseLab.Families.Vae;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.VaeTraining;

/// <summary>
/// One epoch of the vae family's fit on the 60,000 Fashion-MNIST training images (784-400-20, batch 128, Adam), as
/// a generation of the loop runs it: batch gathering from float64 rows, the training steps, and the model's
/// degeneracy probe. Images/s = 60,000 / time; compare with vae_torch.py's per-epoch figure.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class VaeEpochBenchmarks : PerGemmBenchmark
{
    private RowBatch images = null!;
    private VaeFamily family = null!;

    [GlobalSetup]
    public void Setup()
    {
        var idx = IdxFile.ReadImages("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        images = ImageData.ToRows(idx, idx.Count, binarize: false);
        var training = new NeuralTraining(NeuralInit.Scratch, new TrainingBudget(0, 1), new TrainingBudget(0, 1), 128, 1e-3, 0, 0, null, false);
        family = new VaeFamily(new VaeOptions(400, 20, false, 0.1, 0, true, training));
    }

    [Benchmark]
    public IModel FitOneEpoch() => family.Fit(images, new FitContext(0, new StreamKey(1, 0, 0, Purpose.Fit), 2, null, null, images) { Compute = Compute });
}
