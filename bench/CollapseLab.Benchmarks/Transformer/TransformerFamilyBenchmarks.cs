using BenchmarkDotNet.Attributes;
using CollapseLab.Data.Text;
using CollapseLab.Families;
using CollapseLab.Families.Language;
using CollapseLab.Families.Neural;
using CollapseLab.Families.Transformer;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Benchmarks.Transformer;

/// <summary>
/// The transformer family at lm_torch.py's size (4 layers, 4 heads, width 128, context 64, batch 32, vocab 63) with
/// 2 threads, through the family's own code paths: <see cref="Fit20Steps"/> is a whole fit of 20 AdamW steps
/// (tokens/s = 20·32·64 / time, model initialisation included) and <see cref="Sample128x64"/> draws 128 sequences
/// of 64 tokens (two chunks of 64, one per thread) with the shared generator over the per-sequence key/value cache
/// (tokens/s = 8192 / time), as a chain samples a generation. Tokens are synthetic: speed does not depend on their values.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class TransformerFamilyBenchmarks
{
    private const int Types = 62;

    private TokenBatch corpus = null!;
    private TransformerFamily family = null!;
    private IModel model = null!;
    private int generation;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new RandomStream(7);
        var tokens = Enumerable.Range(0, 512 * 64).Select(_ => 1 + rng.NextInt(Types)).ToArray();
        corpus = TokenBatch.Blocks(tokens, 64, new SyntheticTokenizer(Types));
        var sampling = SamplingOptions.Default with { MaxLength = 64, MinLength = 64 };
        var training = new NeuralTraining(NeuralInit.Scratch, new TrainingBudget(20, 0), new TrainingBudget(20, 0), 32, 1e-3, 0.1, 0, null, false);
        family = new TransformerFamily(4, 4, 128, 64, 10, 0, training, sampling);
        model = (family with { Training = training with { Budget = new TrainingBudget(1, 0) } }).Fit(corpus, Context(0));
    }

    private FitContext Context(int g) => new(g, new StreamKey(1, 0, g, Purpose.Fit), 2, null, null, corpus) { Compute = new Compute(GemmKind.Auto, 2) };

    [Benchmark]
    public IModel Fit20Steps() => family.Fit(corpus, Context(++generation));

    [Benchmark]
    public object Sample128x64() => model.Sample(128, new StreamKey(1, 0, ++generation, Purpose.Sample), threads: 2);
}
