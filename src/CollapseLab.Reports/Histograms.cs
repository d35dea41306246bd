namespace CollapseLab.Reports;

/// <summary>Histogram of one group of values on shared bin edges; non-finite values are counted, not binned.</summary>
public sealed record Histogram(string Group, double[] Edges, int[] Counts, int Total, int PositiveInfinite, int NegativeInfinite, int Missing)
{
    /// <summary>Share of all values in bin i: counts[i] / total, so groups with different sizes compare.</summary>
    public double Share(int i) => Total == 0 ? 0 : Counts[i] / (double)Total;
}

/// <summary>
/// Shared bins for several groups of per-sample values (e.g. per-sequence perplexity at a few generations), so
/// the histograms overlay. Edges span the pooled finite values; they are log-spaced when every value is positive
/// and the range spans more than two decades (perplexities do), otherwise evenly spaced.
/// </summary>
public static class Histograms
{
    public static (List<Histogram> Histograms, bool Log) Build(IReadOnlyList<(string Group, double[] Values)> groups, int maxBins = 40)
    {
        var finite = groups.SelectMany(g => g.Values).Where(double.IsFinite).ToList();
        var log = false;
        double[] edges;
        if (finite.Count == 0)
        {
            edges = [0, 1];
        }
        else
        {
            var min = finite.Min();
            var max = finite.Max();
            var perGroup = Math.Max(1, finite.Count / Math.Max(1, groups.Count));
            var bins = Math.Clamp((int)Math.Ceiling(2 * Math.Sqrt(perGroup)), 8, maxBins);
            log = min > 0 && max / min > 100;
            if (min == max)
            {
                var pad = min == 0 ? 0.5 : Math.Abs(min) * 0.05;
                (min, max, log, bins) = (min - pad, max + pad, false, 1);
            }
            edges = new double[bins + 1];
            for (var i = 0; i <= bins; i++)
            {
                var t = i / (double)bins;
                edges[i] = log ? Math.Exp(Math.Log(min) + t * (Math.Log(max) - Math.Log(min))) : min + t * (max - min);
            }
            edges[^1] = max;
        }
        var result = new List<Histogram>();
        foreach (var (group, values) in groups)
        {
            var counts = new int[edges.Length - 1];
            int pos = 0, neg = 0, missing = 0;
            foreach (var v in values)
            {
                if (double.IsNaN(v))
                {
                    missing++;
                }
                else if (double.IsPositiveInfinity(v))
                {
                    pos++;
                }
                else if (double.IsNegativeInfinity(v))
                {
                    neg++;
                }
                else
                {
                    counts[Bin(edges, v)]++;
                }
            }
            result.Add(new Histogram(group, edges, counts, values.Length - missing, pos, neg, missing));
        }
        return (result, log);
    }

    private static int Bin(double[] edges, double v)
    {
        var i = Array.BinarySearch(edges, v);
        i = i >= 0 ? i : ~i - 1;
        return Math.Clamp(i, 0, edges.Length - 2);
    }
}
