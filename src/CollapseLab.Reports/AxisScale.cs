namespace CollapseLab.Reports;

/// <summary>
/// How one chart's value axis is drawn, and where values the axis cannot show go. A log axis is used when the
/// finite positive values span at least <see cref="LogDecades"/> decades and none is negative. Values a chart
/// cannot place are pinned to an edge and flagged rather than dropped: +∞ at the top, −∞ at the bottom, and on a
/// log axis 0 and anything more than <see cref="MaxDecades"/> decades below the largest value at the bottom. Nothing ever takes log of ≤ 0.
/// </summary>
public sealed record AxisScale(bool Log, double Floor, double Ceiling, bool Flat = false)
{
    public const double LogDecades = 2;

    /// <summary>A log axis shows at most this many decades below the largest value; smaller values sit on the floor, flagged.</summary>
    public const double MaxDecades = 12;

    public static AxisScale Choose(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return new AxisScale(false, 0, 1);
        }
        var min = finite.Min();
        var max = finite.Max();
        var positive = finite.Where(v => v > 0).ToList();
        if (min >= 0 && positive.Count > 0)
        {
            var smallest = positive.Min();
            if (Math.Log10(max / smallest) >= LogDecades)
            {
                return new AxisScale(true, Math.Max(smallest, max * Math.Pow(10, -MaxDecades)), max);
            }
        }
        if (min == max)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            return new AxisScale(false, min - pad, max + pad, Flat: true);
        }
        return new AxisScale(false, min, max);
    }

    /// <summary>The value as drawn (null = leave a gap) and, when it had to be moved, what it really was.</summary>
    public (double? Drawn, string? Note) Place(double value)
    {
        if (double.IsNaN(value))
        {
            return (null, null);
        }
        if (double.IsPositiveInfinity(value))
        {
            return (Ceiling, "+∞");
        }
        if (double.IsNegativeInfinity(value))
        {
            return (Floor, "−∞");
        }
        if (Log && value < Floor)
        {
            return (Floor, value == 0 ? "0" : Storage.Numbers.Short(value));
        }
        return (value, null);
    }

    public string Describe() => Log ? "log scale" : "linear scale";
}
