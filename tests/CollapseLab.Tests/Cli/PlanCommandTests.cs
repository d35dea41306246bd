using CollapseLab.Cli;
using CollapseLab.Running;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tests.Cli;

/// <summary>`collapse plan` and the estimate `run` prints: per-arm chains and CPU time scaled from a timed calibration, a shard count.</summary>
public class PlanCommandTests
{
    private static readonly string Spec = TestSpecs.ReplaceAndAccumulate("plan", seed: 2, generations: 6, replicates: 50, "{ source: gaussian, dim: 2, train: 30, test: 100 }", "{ family: gaussian }");

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var dir = TestSpecs.TempDirectory();
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, Spec);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CollapseCli.Run([.. args.Select(a => a.Replace("SPEC", spec, StringComparison.Ordinal).Replace("DIR", dir, StringComparison.Ordinal))], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_plan_scales_each_arms_timed_generations_to_its_chains()
    {
        var spec = TestSpecs.Load(Spec);
        var plan = RunPlan.Calibrate(spec, new Compute(GemmKind.Managed, 1), 2);
        Assert.Equal(2, plan.CalibrationGenerations);
        Assert.Equal(["replace", "acc"], plan.Arms.Select(a => a.Name));
        Assert.All(plan.Arms, a => Assert.Equal(50, a.Chains));
        Assert.All(plan.Arms, a => Assert.Equal(a.ChainSeconds * 50, a.CpuSeconds, 9));
        Assert.Equal(plan.Arms.Sum(a => a.CpuSeconds), plan.CpuSeconds, 9);
        Assert.InRange(plan.SuggestedShards, 1, spec.ChainCount);
        Assert.True(plan.PeakBytes > 0);
    }

    [Fact]
    public void The_suggested_shard_count_gives_each_about_ten_minutes_and_never_more_shards_than_chains()
    {
        ArmPlan Arm(double cpu, int chains) => new("a", chains, cpu / chains, cpu);
        Assert.Equal(1, new RunPlan([Arm(30, 100)], 2, 1).SuggestedShards);
        Assert.Equal(6, new RunPlan([Arm(3000, 100), Arm(600, 100)], 2, 1).SuggestedShards);
        Assert.Equal(4, new RunPlan([Arm(1e6, 4)], 2, 1).SuggestedShards);
    }

    [Fact]
    public void Plan_prints_each_arm_the_total_and_a_suggestion()
    {
        var (code, output, error) = Cli("plan", "SPEC", "--threads", "2");
        Assert.True(code == 0, error);
        Assert.Contains("replace", output, StringComparison.Ordinal);
        Assert.Contains("total", output, StringComparison.Ordinal);
        Assert.Contains("estimate:", output, StringComparison.Ordinal);
        Assert.Contains("suggested:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_run_prints_the_estimate_before_it_starts_and_a_short_one_does_not()
    {
        var (code, output, error) = Cli("run", "SPEC", "--runs", "DIR/runs", "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Contains("estimate:", output, StringComparison.Ordinal);
        var (shortCode, shortOutput, shortError) = Cli("run", "SPEC", "--runs", "DIR/runs", "--threads", "1", "--set", "replicates=2");
        Assert.True(shortCode == 0, shortError);
        Assert.DoesNotContain("estimate:", shortOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--generations must be at least 1", "plan", "SPEC", "--generations", "0")]
    [InlineData("--threads must be at least 1", "plan", "SPEC", "--threads", "0")]
    public void Bad_plan_options_exit_2(string expected, params string[] args)
    {
        var (code, _, error) = Cli(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
