using CollapseLab.Storage;

namespace CollapseLab.Reports;

/// <summary>Where an arm's metric went relative to what a model trained on real data scores.</summary>
public enum Departure
{
    /// <summary>The median stayed inside generation 0's range at every generation.</summary>
    Within,
    Above,
    Below,
    /// <summary>Generation 0 has no usable values, so there is nothing to compare with.</summary>
    Unknown,
}

/// <summary>
/// When a metric leaves the real data's interval. The interval is generation 0's 95% replicate range
/// [q₂.₅, q₉₇.₅]: the spread of the metric across replicates of model₀, which was trained on real data only.
/// The onset is the first generation g ≥ 1 whose median across replicates lies outside it; the median is used
/// because it is defined even when some replicates are ±∞. <see cref="ShareOutside"/> is the fraction of
/// generations from the onset on that stay outside, so a brief excursion reads differently from a collapse.
/// </summary>
public sealed record CollapseOnset(string Arm, string Metric, double Low, double High, int? Generation,
    Departure Direction, double ShareOutside, double LastMedian)
{
    public static CollapseOnset Find(string arm, string metric, IReadOnlyList<SummaryRow> series)
    {
        var ordered = series.OrderBy(r => r.Generation).ToList();
        var first = ordered.FirstOrDefault(r => r.Generation == 0);
        var lastMedian = ordered.Count == 0 ? double.NaN : ordered[^1].Median;
        if (first is null || double.IsNaN(first.QuantileLow) || double.IsNaN(first.QuantileHigh))
        {
            return new CollapseOnset(arm, metric, double.NaN, double.NaN, null, Departure.Unknown, 0, lastMedian);
        }
        var (low, high) = (first.QuantileLow, first.QuantileHigh);
        for (var i = 0; i < ordered.Count; i++)
        {
            var r = ordered[i];
            if (r.Generation == 0 || double.IsNaN(r.Median) || (r.Median >= low && r.Median <= high))
            {
                continue;
            }
            var rest = ordered.Skip(i).Where(x => !double.IsNaN(x.Median)).ToList();
            var outside = rest.Count(x => x.Median < low || x.Median > high);
            return new CollapseOnset(arm, metric, low, high, r.Generation, r.Median > high ? Departure.Above : Departure.Below,
                outside / (double)rest.Count, lastMedian);
        }
        return new CollapseOnset(arm, metric, low, high, null, Departure.Within, 0, lastMedian);
    }
}
