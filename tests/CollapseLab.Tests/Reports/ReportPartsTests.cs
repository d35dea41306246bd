using CollapseLab.Reports;
using CollapseLab.Storage;

namespace CollapseLab.Tests.Reports;

/// <summary>The report's small pieces: onset rule, axis choice, generation picks, histograms.</summary>
public sealed class ReportPartsTests
{
    private static SummaryRow Row(int g, double median, double low = double.NaN, double high = double.NaN) =>
        new("arm", g, "m", 10, 10, median, 0, median, median, median, low, high, null);

    [Fact]
    public void Onset_IsFirstGenerationWhoseMedianLeavesGenerationZerosReplicateRange()
    {
        var rows = new List<SummaryRow> { Row(0, 1.0, 0.8, 1.2), Row(1, 1.1), Row(2, 0.79), Row(3, 0.7), Row(4, 0.9), Row(5, 0.5) };
        var onset = CollapseOnset.Find("arm", "m", rows);
        Assert.Equal(2, onset.Generation);
        Assert.Equal(Departure.Below, onset.Direction);
        Assert.Equal(3 / 4.0, onset.ShareOutside, 12);
        Assert.Equal(0.5, onset.LastMedian);
    }

    [Fact]
    public void Onset_HandlesInfinity_NoDeparture_AndMissingGenerationZero()
    {
        var up = CollapseOnset.Find("arm", "kl", [Row(0, 0.1, 0.05, 0.2), Row(1, 0.15), Row(2, double.PositiveInfinity)]);
        Assert.Equal((2, Departure.Above), (up.Generation!.Value, up.Direction));
        var flat = CollapseOnset.Find("arm", "m", [Row(0, 1, 0.5, 1.5), Row(1, 1.2), Row(2, 0.6)]);
        Assert.Equal(Departure.Within, flat.Direction);
        Assert.Null(flat.Generation);
        var none = CollapseOnset.Find("arm", "m", [Row(0, double.NaN), Row(1, 2)]);
        Assert.Equal(Departure.Unknown, none.Direction);
    }

    [Fact]
    public void Axis_IsLogOnlyForPositiveValuesSpanningDecades_AndPinsWhatItCannotShow()
    {
        var log = AxisScale.Choose([1, 1e-3, 1e-6, 0, double.PositiveInfinity, double.NaN]);
        Assert.True(log.Log);
        Assert.Equal(1e-6, log.Floor);
        Assert.Equal((1e-6, "0"), log.Place(0));
        Assert.Equal((1.0, "+∞"), log.Place(double.PositiveInfinity));
        Assert.Equal((1e-6, "−∞"), log.Place(double.NegativeInfinity));
        Assert.Equal(((double?)null, (string?)null), log.Place(double.NaN));
        Assert.False(AxisScale.Choose([-1, 1e-6, 1e3]).Log);
        Assert.False(AxisScale.Choose([1, 2, 50]).Log);
        var deep = AxisScale.Choose([1, 1e-300]);
        Assert.Equal(1e-12, deep.Floor, 1e-24);
        Assert.Equal("1e-300", deep.Place(1e-300).Note);
        var flat = AxisScale.Choose([3, 3]);
        Assert.True(flat.Floor < 3 && flat.Ceiling > 3);
    }

    [Fact]
    public void Picks_ThinSeries_AndLadderFewGenerations()
    {
        var series = GenerationPicks.Series(1000, keep: [7]);
        Assert.True(series.Count <= GenerationPicks.SeriesPoints + 2, series.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(0, series);
        Assert.Contains(7, series);
        Assert.Contains(1000, series);
        Assert.Equal(Enumerable.Range(0, 31), GenerationPicks.Series(30));
        Assert.Equal([0, 1, 2, 5, 10, 20, 50, 100, 200], GenerationPicks.Few(Enumerable.Range(0, 201), 9));
        Assert.Equal([0, 2, 10, 50, 200], GenerationPicks.Few(Enumerable.Range(0, 201), 5));
        Assert.Equal([0, 3], GenerationPicks.Few([0, 3], 6));
    }

    [Fact]
    public void Histograms_ShareBins_CountInfinitiesApart_AndGoLogForDecades()
    {
        var (histograms, log) = Histograms.Build([("a", [1, 10, 100, 1000, double.PositiveInfinity]), ("b", [5, 50, double.NaN])]);
        Assert.True(log);
        Assert.Equal(histograms[0].Edges, histograms[1].Edges);
        Assert.Equal(4, histograms[0].Counts.Sum());
        Assert.Equal(1, histograms[0].PositiveInfinite);
        Assert.Equal(5, histograms[0].Total);
        Assert.Equal(2, histograms[1].Total);
        Assert.Equal(1, histograms[1].Missing);
        var (same, sameLog) = Histograms.Build([("c", [2, 2, 2])]);
        Assert.False(sameLog);
        Assert.Equal(3, same[0].Counts.Sum());
    }

    [Fact]
    public void Excerpt_CutsLongSamplesOutsideSurrogatePairs()
    {
        Assert.Equal(("abc", false), Escaping.Excerpt("abc", 5));
        var emoji = "ab\U0001F600cd";
        Assert.Equal(("ab", true), Escaping.Excerpt(emoji, 3));
        Assert.Equal("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", Escaping.Html("<a href=\"x\">&'"));
    }
}
