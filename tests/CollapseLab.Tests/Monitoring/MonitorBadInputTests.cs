using CollapseLab.Cli;

namespace CollapseLab.Tests.Monitoring;

/// <summary>A bad monitor section: exit 2, a message naming the key and what to change, and no run folder.</summary>
public class MonitorBadInputTests
{
    private const string Good = """
        name: bad-monitor
        generations: 3
        replicates: 2
        data: { source: gaussian, dim: 1, train: 10, test: 50 }
        model: { family: gaussian }
        monitor:
          signals: [{ metric: variance, trouble: down }]
          far: 0.1
          calibrate_on: accumulate
          calibration_replicates: 10
          action: mark
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: accumulate, policy: { kind: accumulate } }
        """;

    private static void AssertRejected(string yaml, params string[] expected)
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, yaml);
        var runs = Path.Combine(dir, "runs");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CollapseCli.Run(["run", path, "--runs", runs, "--quiet"], output, error));
        foreach (var text in expected)
        {
            Assert.Contains(text, error.ToString(), StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(runs), "a rejected spec must not leave a run folder or database");
    }

    private static string With(string from, string to) => Good.Replace(from, to, StringComparison.Ordinal);

    [Fact]
    public void The_good_spec_runs()
    {
        var dir = TestSpecs.TempDirectory();
        var path = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(path, Good);
        using var output = new StringWriter();
        Assert.Equal(0, CollapseCli.Run(["run", path, "--runs", Path.Combine(dir, "runs"), "--quiet"], output, output));
    }

    [Fact]
    public void An_unknown_signal() =>
        AssertRejected(With("metric: variance", "metric: varience"), "monitor.signals[0].metric", "unknown signal 'varience'", "Did you mean 'variance'?");

    [Fact]
    public void A_signal_the_family_lacks() =>
        AssertRejected(With("metric: variance", "metric: distinct_2"), "monitor.signals[0].metric", "signal 'distinct_2'", "Signals for this family:");

    [Fact]
    public void A_signal_without_its_trouble_direction() =>
        AssertRejected(With("{ metric: variance, trouble: down }", "variance"), "monitor.signals[0]", "trouble: down");

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void A_target_rate_outside_zero_to_one_half(string far) =>
        AssertRejected(With("far: 0.1", $"far: {far}"), "monitor.far", "strictly between 0 and 0.5");

    [Fact]
    public void Calibrate_on_naming_no_arm() =>
        AssertRejected(With("calibrate_on: accumulate", "calibrate_on: acumulate"), "monitor.calibrate_on", "no arm is named 'acumulate'", "Did you mean 'accumulate'?");

    [Fact]
    public void Too_few_calibration_replicates_for_the_rate() =>
        AssertRejected(With("calibration_replicates: 10", "calibration_replicates: 5"), "monitor.calibration_replicates", "at least 9 replicates");

    [Fact]
    public void An_unknown_action() =>
        AssertRejected(With("action: mark", "action: halt"), "monitor.action", "unknown action 'halt'");

    [Fact]
    public void Rollback_without_a_policy() =>
        AssertRejected(With("action: mark", "action: rollback"), "monitor.action", "needs the policy to continue with");

    [Fact]
    public void Inject_real_with_a_policy_that_injects_nothing() =>
        AssertRejected(With("action: mark", "action: { kind: inject_real, policy: { kind: accumulate } }"), "monitor.action.policy.kind", "keep-real or fresh-real");

    [Fact]
    public void Inject_real_without_a_stated_fraction() =>
        AssertRejected(With("action: mark", "action: { kind: inject_real, policy: { kind: fresh-real } }"), "monitor.action.policy.fraction", "stated fraction");

    [Fact]
    public void An_unknown_rule() =>
        AssertRejected(With("far: 0.1", "far: 0.1\n  rules: [cusm]"), "monitor.rules[0].rule", "Did you mean 'cusum'?");
}
