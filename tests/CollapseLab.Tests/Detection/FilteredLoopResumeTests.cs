using CollapseLab.Running;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Detection;

/// <summary>A filtered contaminated-pool run stopped midway resumes to the same metrics, curation and measures.</summary>
[Trait("Speed", "slow")]
public class FilteredLoopResumeTests
{
    private const string Spec = """
        name: filtered
        seed: 5
        generations: 4
        replicates: 2
        data: { source: zipf, vocab: 300, order: 2, block: 32, train: 200, test: 100 }
        model: { family: ngram, order: 2, sampling: { watermark: { delta: 2.0 } } }
        samples_per_generation: 200
        policy: { kind: contaminated, rate: 0.5, size: 200, from: all }
        curation: [{ step: watermark, target_fpr: 0.05 }, { step: random, rate: 0.2, action: reweight }]
        metrics: [real_share, corpus_z_dedup]
        """;

    [Fact]
    public void StoppedAndResumedEqualsUninterrupted()
    {
        var runs = TestSpecs.TempDirectory();
        var whole = RunSession.Start(TestSpecs.Load(Spec), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= whole.Runner.TotalSteps / 2)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(Spec), runs, 2, options);
        Assert.False(first.Execute(stop.Token));
        var resumed = RunSession.Resume(new RunFolder(first.Folder.Path), runs, 1);
        Assert.True(resumed.Execute(CancellationToken.None));
        foreach (var file in new[] { "metrics.csv", "curation.csv", "curation_measures.csv", "composition.csv" })
        {
            Assert.Equal(File.ReadAllText(whole.Folder.File(file)), File.ReadAllText(first.Folder.File(file)));
        }
    }
}
