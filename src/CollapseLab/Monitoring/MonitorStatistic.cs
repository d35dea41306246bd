namespace CollapseLab.Monitoring;

/// <summary>
/// A rule's statistic at each generation t ≥ 1 of one chain, from the signal's values x₀ … x_t. With sign s and the
/// null arm's spread σ of one-generation changes, y_t = s·(x_t − x₀)/σ is the signal's drift in the trouble direction:
/// <list type="bullet">
/// <item><c>threshold</c>: s·(x_t − x₀), in the metric's own units.</item>
/// <item><c>cusum</c>: S_t = max(0, S_{t−1} + (y_t − y_{t−1}) − k), S₀ = 0 (Page's one-sided CUSUM of the changes).</item>
/// <item><c>page-hinkley</c>: m_t = Σ_{i≤t} (y_i − ȳ_i − δ) with ȳ_i the mean of y₁ … y_i; PH_t = m_t − min_{i≤t} m_i.</item>
/// </list>
/// Every statistic depends only on the values up to t, so it can be recomputed at any generation (a resumed chain
/// needs no saved detector state). A NaN value gives a NaN statistic, which never alarms.
/// </summary>
public static class MonitorStatistic
{
    /// <summary>destination[t−1] = the statistic at generation t, for t = 1 … values.Length − 1.</summary>
    public static void Compute(MonitorRule rule, int sign, double scale, ReadOnlySpan<double> values, Span<double> destination)
    {
        var x0 = values[0];
        double cusum = 0, sum = 0, m = 0, min = double.PositiveInfinity, previous = 0;
        for (var t = 1; t < values.Length; t++)
        {
            var drift = sign * (values[t] - x0);
            var y = drift / scale;
            switch (rule.Name)
            {
                case MonitorRule.Threshold:
                    destination[t - 1] = drift;
                    break;
                case MonitorRule.Cusum:
                    cusum = Math.Max(0, cusum + (y - previous) - rule.Allowance);
                    destination[t - 1] = cusum;
                    break;
                default:
                    sum += y;
                    m += y - sum / t - rule.Allowance;
                    min = Math.Min(min, m);
                    destination[t - 1] = m - min;
                    break;
            }
            previous = y;
        }
    }

    /// <summary>The statistic at the last of <paramref name="values"/> (generation values.Length − 1 ≥ 1).</summary>
    public static double Last(MonitorRule rule, int sign, double scale, ReadOnlySpan<double> values)
    {
        Span<double> all = values.Length <= 512 ? stackalloc double[values.Length - 1] : new double[values.Length - 1];
        Compute(rule, sign, scale, values, all);
        return all[^1];
    }
}
