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
