using CollapseLab.Monitoring;

namespace CollapseLab.Tests.Monitoring;

/// <summary>
/// Thresholds calibrated on one set of null chains hold their false-alarm rate on another: 200 evaluation replicates of
/// the accumulate arm, none of them among its 200 calibration chains. The standard error counts both sources of
/// spread, the 200 evaluation chains and the 200 that placed the threshold: √(α(1−α)(1/R + 1/C)).
/// </summary>
public class CalibrationTests
{
    private const string Null = """
        name: null-arm
        seed: 11
        generations: 10
        replicates: 200
        data: { source: gaussian, dim: 1, std: 1, train: 20, test: 50 }
        model: { family: gaussian, estimator: mle }
        policy: { kind: accumulate }
        monitor:
          signals: [{ metric: variance, trouble: down }, { metric: mean_sq_error, trouble: up }]
          rules: [threshold, { rule: cusum, k: 0.5 }, { rule: page-hinkley, delta: 0.5 }]
          far: 0.05
          calibrate_on: accumulate
          calibration_replicates: 200
        metrics: [variance, mean_sq_error]
        """;

    [Fact]
    public void The_false_alarm_rate_on_fresh_null_replicates_is_within_three_standard_errors_of_the_target()
    {
        var spec = TestSpecs.Load(Null);
        var results = TestSpecs.Run(spec);
        var quality = SignalQuality.Of(spec, results).Where(q => q.Signal != SignalQuality.Any).ToList();
        Assert.Equal(6, quality.Count);
        // The rate varies with the evaluation chains and with the calibration chains that placed the threshold.
        var error = Math.Sqrt(0.05 * 0.95 * (1 / 200.0 + 1 / 200.0));
        foreach (var q in quality)
        {
            Assert.True(q.IsNull);
            Assert.True(Math.Abs(q.AlarmRate - 0.05) <= 3 * error, $"{q.Signal} {q.Rule}: false-alarm rate {q.AlarmRate:G4}, target 0.05 ± {3 * error:G3}");
        }
    }

    [Fact]
    public void Calibration_places_each_threshold_so_at_most_the_target_share_of_calibration_chains_exceed_it()
    {
        var spec = TestSpecs.Load(Null, "replicates=1", "monitor.calibration_replicates=40", "monitor.far=0.1");
        var calibration = Calibrator.Run(spec, new global::CollapseLab.Tensors.Compute(global::CollapseLab.Tensors.Kernels.GemmKind.Managed, 2), CancellationToken.None)!;
        Assert.Equal(6, calibration.Thresholds.Count);
        Assert.All(calibration.Thresholds, t =>
        {
            Assert.Equal(40, t.Replicates);
            // k = ⌊0.1 · 41⌋ − 1 = 3 of the 40 chains lie above (the variance and mean error are continuous: no ties).
            Assert.Equal(3 / 40.0, t.CalibrationFar);
            Assert.True(t.Scale > 0);
        });
        var folder = new global::CollapseLab.Storage.RunFolder(TestSpecs.TempDirectory());
        calibration.Save(folder);
        Assert.Equal(calibration.Thresholds, Calibration.Load(folder)!.Thresholds);
    }
}
