using CollapseLab.Running;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Tests.Fixtures.Mixture;

namespace CollapseLab.Tests.Running;

/// <summary>A block of chains run in lockstep must give every chain the bits it gets on its own.</summary>
public class LockstepTests
{
    /// <summary>
    /// Both estimators, every metric with a lockstep form, 70 replicates (replicate 0 records sample values and runs
    /// alone; the rest fill two blocks of 32 and one of 5), and an arm of two samples a generation whose chains
    /// degenerate within the run.
    /// </summary>
    private const string Spec = """
        name: lockstep
        seed: 5
        generations: 60
        replicates: 70
        data: { source: gaussian, dim: 1, std: 2.0, train: 20, test: 300 }
        model: { family: gaussian }
        policy: replace
        samples_per_generation: 20
        arms:
          - { name: mle, model: { estimator: mle } }
          - { name: unbiased, model: { estimator: unbiased } }
          - { name: tiny, model: { estimator: mle }, samples_per_generation: 2 }
        metrics: [variance, logdet_ratio, mean_sq_error, trace_ratio, w2, kl, tail_mass]
        """;

    private static ChainResult[] Run(ExperimentSpec spec, int threads, bool lockstep) =>
        new ExperimentRunner(spec, null, threads) { Lockstep = lockstep }.Run(CancellationToken.None)!;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_chain_gets_the_same_bits_in_lockstep_as_on_its_own(int threads)
    {
        var spec = TestSpecs.Load(Spec);
        Assert.All(spec.Arms, arm => Assert.True(LockstepChains.Supports(spec, arm), arm.Name));
        var alone = Run(spec, 1, lockstep: false);
        var together = Run(spec, threads, lockstep: true);
        Assert.Equal(alone.Length, together.Length);
        for (var i = 0; i < alone.Length; i++)
        {
            Assert.Equal((alone[i].Arm, alone[i].Replicate), (together[i].Arm, together[i].Replicate));
            Assert.Equal(alone[i].Completed, together[i].Completed);
            Assert.Equal(alone[i].Values, together[i].Values);
            Assert.Equal(alone[i].Degenerate, together[i].Degenerate);
            for (var g = 0; g < alone[i].Completed; g++)
            {
                var (expected, actual) = (alone[i].Compositions[g], together[i].Compositions[g]);
                Assert.Equal(expected?.Real, actual?.Real);
                Assert.Equal(expected?.Synthetic, actual?.Synthetic);
            }
        }
        // The tiny arm's chains collapse, so degeneracy and the collapsed metric are compared on real cases.
        Assert.Contains(together, r => r.Arm == 2 && r.Degenerate is not null);
    }

    [Fact]
    public void A_run_stopped_inside_blocks_resumes_to_the_uninterrupted_results()
    {
        var runs = TestSpecs.TempDirectory();
        const string overrides = "replicates=40";
        var whole = RunSession.Start(TestSpecs.Load(Spec, overrides), runs, 2);
        Assert.True(whole.Execute(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var total = whole.Runner.TotalSteps;
        var options = new RunnerOptions(TimeSpan.Zero, done =>
        {
            if (done >= total / 3)
            {
                stop.Cancel();
            }
        });
        var first = RunSession.Start(TestSpecs.Load(Spec, overrides), runs, 2, options);
        Assert.False(first.Execute(stop.Token));
        Assert.NotEmpty(Directory.GetFiles(first.Folder.File("checkpoints")));
        Assert.True(RunSession.Resume(new RunFolder(first.Folder.Path), runs, 1).Execute(CancellationToken.None));
        Assert.Equal(File.ReadAllText(whole.Folder.File("metrics.csv")), File.ReadAllText(first.Folder.File("metrics.csv")));
        Assert.Equal(File.ReadAllText(whole.Folder.File("summary.csv")), File.ReadAllText(first.Folder.File("summary.csv")));
    }

    [Fact]
    public void The_shumailov_example_runs_in_lockstep()
    {
        var spec = SpecLoader.LoadFile(MixtureFixtures.Example("shumailov-gaussian.yaml"), ["generations=2", "replicates=2"]);
        Assert.All(spec.Arms, arm => Assert.True(LockstepChains.Supports(spec, arm), arm.Name));
    }

    [Theory]
    [InlineData("policy={ kind: keep-real, fraction: 0.1 }")]
    [InlineData("metrics=[variance, test_nll]")]
    [InlineData("data.dim=2", "metrics=[kl, w2]")]
    [InlineData("curation=[dedup]")]
    public void An_arm_with_a_stage_without_a_lockstep_form_runs_chain_by_chain(params string[] changes)
    {
        var spec = TestSpecs.Load(Spec, changes);
        Assert.All(spec.Arms, arm => Assert.False(LockstepChains.Supports(spec, arm), arm.Name));
    }
}
