namespace CollapseLab.Summaries;

/// <summary>
/// One metric at one generation of one arm, across replicates. The mean and its 95% interval
/// (mean ± t·sd/√n) use the finite values; the median and 2.5%/97.5% quantiles use all values, ±∞ included,
/// so a collapse to −∞ shows in the quantiles instead of poisoning the mean.
/// </summary>
public sealed record Statistic(
    int Count,
    int Finite,
    double Mean,
    double StdDev,
    double CiLow,
    double CiHigh,
    double Median,
    double QuantileLow,
    double QuantileHigh,
    double? Theory)
{
    public static Statistic Of(ReadOnlySpan<double> values, double? theory)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var finite = sorted.Where(double.IsFinite).ToArray();
        double mean = double.NaN, sd = double.NaN, half = double.NaN;
        if (finite.Length > 0)
        {
            mean = finite.Average();
            if (finite.Length > 1)
            {
                var m = mean;
                sd = Math.Sqrt(finite.Sum(v => (v - m) * (v - m)) / (finite.Length - 1));
                half = StudentT975(finite.Length - 1) * sd / Math.Sqrt(finite.Length);
            }
        }
        var nonNaN = sorted.Where(v => !double.IsNaN(v)).ToArray();
        return new Statistic(values.Length, finite.Length, mean, sd, mean - half, mean + half,
            Quantile(nonNaN, 0.5), Quantile(nonNaN, 0.025), Quantile(nonNaN, 0.975), theory);
    }

    private static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return lo == hi || sorted[lo] == sorted[hi] ? sorted[lo] : sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>97.5% quantile of Student's t with ν degrees of freedom (exact table to 30, then a series in 1/ν).</summary>
    public static double StudentT975(int nu)
    {
        ReadOnlySpan<double> table =
        [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ];
        if (nu <= 30)
        {
            return table[nu - 1];
        }
        const double z = 1.959963984540054;
        var z3 = z * z * z;
        return z + (z3 + z) / (4.0 * nu) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96.0 * nu * nu);
    }
}
