using CollapseLab.Monitoring;
using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Monitoring;

/// <summary>Each action acts inside the chain at its first alarm, and only there.</summary>
public class InterventionTests
{
    private static readonly ExperimentSpec Spec = TestSpecs.Load(MonitorSpecs.Actions);
    private static readonly ChainResult[] Results = TestSpecs.Run(Spec);

    private static ChainResult Chain(string arm, int replicate) =>
        Results.Single(r => r.Arm == Spec.Arms.Single(a => a.Name == arm).Index && r.Replicate == replicate);

    private static int FirstAlarm(ChainResult chain) => chain.Alarms.Min(a => a.Generation);

    private static IEnumerable<double> Row(ChainResult chain, int g) => Enumerable.Range(0, chain.MetricCount).Select(m => chain.Value(g, m));

    [Fact]
    public void Every_replace_chain_alarms_and_the_first_alarm_carries_the_arms_action()
    {
        foreach (var (arm, action) in new[] { ("replace", "mark"), ("rollback", "rollback"), ("inject", "inject_real"), ("stop", "stop") })
        {
            for (var r = 0; r < Spec.Replicates; r++)
            {
                var chain = Chain(arm, r);
                Assert.NotEmpty(chain.Alarms);
                Assert.Equal(action, chain.Alarms[0].Action);
                Assert.All(chain.Alarms.Skip(1), a => Assert.Equal(MonitorAction.Mark, a.Action));
                Assert.All(chain.Alarms, a => Assert.True(a.Value > a.Threshold));
            }
        }
    }

    [Fact]
    public void Acting_arms_follow_replace_exactly_until_their_first_alarm()
    {
        foreach (var arm in new[] { "rollback", "inject", "stop" })
        {
            for (var r = 0; r < Spec.Replicates; r++)
            {
                var acting = Chain(arm, r);
                var first = FirstAlarm(acting);
                Assert.Equal(first, FirstAlarm(Chain("replace", r)));
                for (var g = 0; g < first; g++)
                {
                    Assert.Equal(Row(Chain("replace", r), g), Row(acting, g));
                }
            }
        }
    }

    [Fact]
    public void Stop_holds_the_alarmed_generations_values_to_the_end()
    {
        for (var r = 0; r < Spec.Replicates; r++)
        {
            var chain = Chain("stop", r);
            var first = FirstAlarm(chain);
            Assert.Equal(Row(Chain("replace", r), first), Row(chain, first));
            for (var g = first + 1; g <= Spec.Generations; g++)
            {
                Assert.Equal(Row(chain, first), Row(chain, g));
                Assert.Null(chain.Compositions[g]);
            }
            Assert.All(chain.Alarms, a => Assert.Equal(first, a.Generation));
        }
    }

    [Fact]
    public void Rollback_reruns_the_alarmed_generation_under_the_new_policy()
    {
        for (var r = 0; r < Spec.Replicates; r++)
        {
            var chain = Chain("rollback", r);
            var first = FirstAlarm(chain);
            // Generation `first` is fitted again, on real data plus generations 0 … first−1: accumulate's composition.
            var composition = chain.Compositions[first]!;
            Assert.Equal(10, composition.Real);
            Assert.Equal(Enumerable.Range(0, first), composition.Synthetic.Select(o => o.Generation));
            Assert.NotEqual(Row(Chain("replace", r), first), Row(chain, first));
        }
    }

    [Fact]
    public void Inject_real_switches_to_fresh_real_after_the_alarmed_generation()
    {
        for (var r = 0; r < Spec.Replicates; r++)
        {
            var chain = Chain("inject", r);
            var first = FirstAlarm(chain);
            Assert.Equal(Row(Chain("replace", r), first), Row(chain, first));
            for (var g = first + 1; g <= Spec.Generations; g++)
            {
                Assert.Equal(5, chain.Compositions[g]!.Real);
            }
        }
    }

    [Fact]
    public void Interventions_end_with_a_variance_closer_to_accumulate_than_to_replace()
    {
        // Log variance at the last generation, averaged over replicates (the variance's mean has a heavy tail).
        double LogVariance(string arm) => TestSpecs.Column(Spec, Results, arm, "variance", Spec.Generations).Average(Math.Log);
        var replace = LogVariance("replace");
        var accumulate = LogVariance("accumulate");
        foreach (var arm in new[] { "rollback", "inject" })
        {
            Assert.True(Math.Abs(LogVariance(arm) - accumulate) < Math.Abs(LogVariance(arm) - replace),
                $"{arm}: log variance {LogVariance(arm):G4}, accumulate {accumulate:G4}, replace {replace:G4}");
        }
    }

    [Fact]
    public void Thread_count_does_not_change_values_or_alarms()
    {
        var one = TestSpecs.Run(Spec, threads: 1);
        for (var i = 0; i < one.Length; i++)
        {
            Assert.Equal(Results[i].Values, one[i].Values);
            Assert.Equal(Results[i].Alarms, one[i].Alarms);
        }
    }
}
