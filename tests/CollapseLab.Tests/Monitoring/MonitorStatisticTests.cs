using CollapseLab.Monitoring;

namespace CollapseLab.Tests.Monitoring;

public class MonitorStatisticTests
{
    private static double[] Statistic(MonitorRule rule, int sign, double scale, params double[] x)
    {
        var destination = new double[x.Length - 1];
        MonitorStatistic.Compute(rule, sign, scale, x, destination);
        return destination;
    }

    [Fact]
    public void Threshold_is_the_change_since_generation_zero_in_the_trouble_direction()
    {
        Assert.Equal([-1.0, 2.0, 0.5], Statistic(new(MonitorRule.Threshold, 0), -1, 10, 4, 5, 2, 3.5));
        Assert.Equal([1.0, -2.0, -0.5], Statistic(new(MonitorRule.Threshold, 0), 1, 10, 4, 5, 2, 3.5));
    }

    [Fact]
    public void Cusum_accumulates_scaled_changes_beyond_the_allowance_and_floors_at_zero()
    {
        // y = (x − 0)/2 = 0, 1, 3, 2, 2; changes 1, 2, −1, 0; S = max(0, S + change − 0.5): 0.5, 2, 0.5, 0.
        Assert.Equal([0.5, 2, 0.5, 0], Statistic(new(MonitorRule.Cusum, 0.5), 1, 2, 0, 2, 6, 4, 4));
    }

    [Fact]
    public void Page_hinkley_measures_the_rise_of_the_cumulative_deviation_from_the_running_mean()
    {
        // y = 1, 1, 4; running means 1, 1, 2; m = (1−1−0.1), +(1−1−0.1), +(4−2−0.1) = −0.1, −0.2, 1.7; min −0.1, −0.2, −0.2.
        var ph = Statistic(new(MonitorRule.PageHinkley, 0.1), 1, 1, 0, 1, 1, 4);
        Assert.Equal(0, ph[0], 12);
        Assert.Equal(0, ph[1], 12);
        Assert.Equal(1.9, ph[2], 12);
    }

    [Fact]
    public void A_nan_value_gives_a_statistic_that_never_exceeds_a_threshold()
    {
        var s = Statistic(new(MonitorRule.Cusum, 0.5), 1, 1, 0, double.NaN, 5);
        Assert.All(s, v => Assert.False(v > 0));
    }
}
