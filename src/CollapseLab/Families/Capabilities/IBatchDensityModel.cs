using CollapseLab.Data;

namespace CollapseLab.Families;

/// <summary>A density model that scores many rows at once faster than row by row (e.g. a kernel density).</summary>
public interface IBatchDensityModel : IDensityModel
{
    /// <summary>destination[i] = log p(row i of <paramref name="x"/>); the same bits for any thread count.</summary>
    void LogDensities(RowBatch x, Span<double> destination, int threads);

    double IDensityModel.TestNll(RowData real, int threads)
    {
        var test = (RowBatch)real.Test;
        var logDensities = new double[test.Count];
        LogDensities(test, logDensities, threads);
        return -logDensities.Sum() / test.Count;
    }
}
