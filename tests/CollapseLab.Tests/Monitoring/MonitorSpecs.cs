namespace CollapseLab.Tests.Monitoring;

/// <summary>Small monitored Gaussian loops the monitoring tests share.</summary>
internal static class MonitorSpecs
{
    /// <summary>
    /// A 1-D Gaussian refitted by MLE on 10 samples: under replace the variance shrinks by 0.9 a generation in
    /// expectation, under accumulate it stays near 1. Every action has an arm; thresholds come from 20 calibration chains.
    /// </summary>
    public const string Actions = """
        name: monitored
        seed: 3
        generations: 12
        replicates: 4
        data: { source: gaussian, dim: 1, std: 1, train: 10, test: 200 }
        model: { family: gaussian, estimator: mle }
        monitor:
          signals: [{ metric: variance, trouble: down }, { metric: w2, trouble: up }]
          rules: [threshold, { rule: cusum, k: 0.5 }, page-hinkley]
          far: 0.1
          calibrate_on: accumulate
          calibration_replicates: 20
          truth: { metric: test_nll, trouble: up }
        arms:
          - { name: replace, policy: { kind: replace } }
          - { name: accumulate, policy: { kind: accumulate } }
          - { name: rollback, policy: { kind: replace }, monitor: { action: { kind: rollback, policy: { kind: accumulate } } } }
          - { name: inject, policy: { kind: replace }, monitor: { action: { kind: inject_real, policy: { kind: fresh-real, fraction: 0.5 } } } }
          - { name: stop, policy: { kind: replace }, monitor: { action: stop } }
        metrics: [variance, w2, test_nll]
        """;
}
