using CollapseLab.Running;
using CollapseLab.Storage;
using CollapseLab.Tests.Families.Vae;

namespace CollapseLab.Tests.Running;

/// <summary>
/// Neural chains with <c>init: previous</c> stopped part-way resume from the models they saved (replicate 0 in
/// models/, the others beside their checkpoints) and end with the uninterrupted run's bits; and a neural run gives
/// the same bits on one thread as on two.
/// </summary>
public class WarmResumeTests
{
    private static string TransformerSpec(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "corpus.txt"),
            string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"In the beginning {i} was the word, and the word was with text {i * 7}.")));
        return $$"""
            name: warm-transformer
            seed: 5
            generations: 4
            replicates: 2
            data: { source: text:{{directory}}/corpus.txt, tokenizer: char, block: 32 }
            model: { family: transformer, layers: 1, heads: 2, width: 16, context: 32, steps: 8, finetune_steps: 4, init: previous, dropout: 0.1 }
            samples_per_generation: 20
            metrics: [test_perplexity, ppl_model0, distinct_2]
            """;
    }

    public static TheoryData<string> Specs() => ["transformer", "vae"];

    private static string Spec(string family) => family == "transformer"
        ? TransformerSpec(TestSpecs.TempDirectory())
        : VaeTestData.Spec("  init: previous", generations: 4)
            .Replace("steps: 60", "steps: 20", StringComparison.Ordinal).Replace("replicates: 1", "replicates: 2", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_stopped_warm_started_chain_continues_from_its_saved_models_to_the_same_bits(string family)
    {
        var yaml = Spec(family);
        var runs = TestSpecs.TempDirectory();
        var whole = RunSession.Start(TestSpecs.Load(yaml), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));

        using var stop = new CancellationTokenSource();
        var stopAt = whole.Runner.TotalSteps / 2;
        var first = RunSession.Start(TestSpecs.Load(yaml), runs, 2, new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= stopAt)
            {
                stop.Cancel();
            }
        }));
        Assert.False(first.Execute(stop.Token));
        var generationsRun = 0;
        var resumed = RunSession.Resume(new RunFolder(first.Folder.Path), runs, 2, new RunnerOptions(TimeSpan.Zero, _ => Interlocked.Increment(ref generationsRun)));
        Assert.True(resumed.Execute(CancellationToken.None));

        Assert.Equal(File.ReadAllText(whole.Folder.File("metrics.csv")), File.ReadAllText(first.Folder.File("metrics.csv")));
        // Rerunning from generation 0 would run every generation again.
        Assert.InRange(generationsRun, 1, whole.Runner.TotalSteps - stopAt);
        Assert.False(Directory.Exists(first.Folder.File("checkpoints")));
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void One_and_two_threads_give_the_same_bits(string family)
    {
        // One replicate, so the chain gets the whole budget: its GEMM and attention run on 1 and on 2 threads.
        var spec = TestSpecs.Load(Spec(family), "replicates=1", "generations=2");
        var one = TestSpecs.Run(spec, threads: 1);
        var two = TestSpecs.Run(spec, threads: 2);
        Assert.Equal(one[0].Values, two[0].Values);
    }
}
