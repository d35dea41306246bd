using System.Runtime.CompilerServices;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Monitoring;

/// <summary>The two early-warning examples load with the monitors the docs describe.</summary>
public class ExampleMonitorTests
{
    private static string Example(string file, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "experiments", file));

    [Fact] // reads the King James text through the 'bible' program (scripts/deps.sh installs bible-kjv); without it the loader says so and the test fails
    public void The_kjv_example_watches_four_signals_calibrated_on_accumulate_with_rollback_and_inject_arms()
    {
        var spec = SpecLoader.LoadFile(Example("early-warning.yaml"));
        Assert.Equal(["distinct_2", "unigram_entropy", "types_lost", "ppl_model0"], spec.Arms[0].Monitor!.Signals.Select(s => s.Metric));
        Assert.All(spec.Arms, a => Assert.Equal("accumulate", a.Monitor!.CalibrateOn));
        Assert.Contains(spec.Arms, a => a.Monitor!.Action.Kind == "rollback");
        Assert.Contains(spec.Arms, a => a.Monitor!.Action.Kind == "inject_real");
    }

    [Fact]
    public void The_gaussian_example_has_the_same_arms()
    {
        var spec = SpecLoader.LoadFile(Example("early-warning-gaussian.yaml"));
        Assert.Equal(["mark", "mark", "rollback", "inject_real"], spec.Arms.Select(a => a.Monitor!.Action.Kind));
        Assert.Equal(200, spec.Arms[1].Monitor!.CalibrationReplicates);
    }
}
