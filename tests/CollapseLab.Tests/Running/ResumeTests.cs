using CollapseLab.Running;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Running;

public class ResumeTests
{
    [Theory]
    [InlineData(0.15)]
    [InlineData(0.6)]
    public void A_stopped_run_resumes_to_exactly_the_uninterrupted_results(double stopAt)
    {
        var runs = TestSpecs.TempDirectory();
        var whole = RunSession.Start(TestSpecs.Load(DeterminismTests.Spec), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));

        using var stop = new CancellationTokenSource();
        var total = whole.Runner.TotalSteps;
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= stopAt * total)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(DeterminismTests.Spec), runs, 2, options);
        Assert.False(first.Execute(stop.Token));
        Assert.Equal("stopped", RunInfo.Load(first.Folder)!.Status);
        Assert.False(File.Exists(first.Folder.File("metrics.csv")));

        var resumed = RunSession.Resume(new RunFolder(first.Folder.Path), runs, 1);
        Assert.True(resumed.Execute(CancellationToken.None));
        Assert.Equal(File.ReadAllText(whole.Folder.File("metrics.csv")), File.ReadAllText(first.Folder.File("metrics.csv")));
        Assert.Equal(File.ReadAllText(whole.Folder.File("summary.csv")), File.ReadAllText(first.Folder.File("summary.csv")));
        Assert.Equal("complete", RunInfo.Load(first.Folder)!.Status);
        Assert.False(Directory.Exists(first.Folder.File("checkpoints")));
    }

    [Fact]
    public void A_warm_started_family_resumes_by_rerunning_to_the_same_results()
    {
        const string warm = """
            name: warm
            seed: 4
            generations: 8
            replicates: 3
            data: { source: blobs, dim: 2, train: 200, test: 200 }
            model: { family: gmm, components: 3, init: warm, max_iter: 20 }
            metrics: [l2_to_model0, trace_ratio]
            """;
        var runs = TestSpecs.TempDirectory();
        var whole = RunSession.Start(TestSpecs.Load(warm), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= 12)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(warm), runs, 2, options);
        Assert.False(first.Execute(stop.Token));
        Assert.True(RunSession.Resume(new RunFolder(first.Folder.Path), runs, 2).Execute(CancellationToken.None));
        Assert.Equal(File.ReadAllText(whole.Folder.File("metrics.csv")), File.ReadAllText(first.Folder.File("metrics.csv")));
    }

    [Fact]
    public void A_torn_last_record_of_the_chain_log_is_ignored()
    {
        var runs = TestSpecs.TempDirectory();
        var spec = TestSpecs.Load(DeterminismTests.Spec, "replicates=1");
        var log = new ChainLog(Path.Combine(runs, "chains.bin"));
        var results = TestSpecs.Run(spec);
        log.Append(results[0]);
        log.Append(results[1]);
        var bytes = File.ReadAllBytes(Path.Combine(runs, "chains.bin"));
        File.WriteAllBytes(Path.Combine(runs, "chains.bin"), bytes[..^5]);
        var read = log.ReadAll();
        Assert.Single(read);
        Assert.Equal(results[0].Values, read[0].Values);
    }
}
