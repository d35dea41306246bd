using CollapseLab.Numerics;

namespace CollapseLab.Data;

/// <summary>
/// Real data made of numeric rows. The reference distribution's mean and covariance are the truth for synthetic
/// sources and the moments of all real rows for files; the tail region is exact for a Gaussian truth and the
/// empirical one of the test set otherwise.
/// </summary>
public abstract class RowData : ExperimentData
{
    public override DataKind Kind => DataKind.Rows;

    public abstract int Dim { get; }

    public override abstract RowBatch Test { get; }

    /// <summary>Mean of the real distribution.</summary>
    public abstract double[] ReferenceMean { get; }

    /// <summary>Covariance of the real distribution, row-major d×d.</summary>
    public abstract double[] ReferenceCovariance { get; }

    /// <summary>The exact Gaussian mixture the rows are drawn from (one component for a Gaussian), or null.</summary>
    public virtual Families.Mixture.GaussianComponents? KnownMixture => null;

    /// <summary>True when the reference is the exact data-generating Gaussian.</summary>
    public abstract bool ReferenceIsExactGaussian { get; }

    private Cholesky? _referenceFactor;

    public Cholesky ReferenceFactor => _referenceFactor ??= new Cholesky(ReferenceCovariance, Dim);

    private readonly Lazy<(double[] Mean, double[] Covariance)> _testMoments;

    protected RowData() => _testMoments = new(() =>
    {
        var mean = Moments.Mean(Test, 1);
        return (mean, Moments.Covariance(Test, mean, 0, 1));
    });

    /// <summary>Mean and covariance (divided by n) of the test rows: enough to score a Gaussian on all of them.</summary>
    public (double[] Mean, double[] Covariance) TestMoments => _testMoments.Value;

    private TailRegion? _tail;

    /// <summary>The region beyond which the real distribution puts 1% of its mass.</summary>
    public TailRegion Tail => _tail ??= TailRegion.For(this);
}

/// <summary>
/// Where the real distribution's tails begin: below <see cref="Low"/> or above <see cref="High"/> (its 0.5% and
/// 99.5% quantiles) in 1-D; beyond Mahalanobis radius² <see cref="Radius2"/> (holding 99%) in d-D.
/// </summary>
public sealed record TailRegion(double Low, double High, double Radius2)
{
    public const double Mass = 0.01;

    public static TailRegion For(RowData data)
    {
        var mean = data.ReferenceMean;
        var test = data.Test;
        if (data.Dim == 1)
        {
            if (data.ReferenceIsExactGaussian)
            {
                var z = SpecialFunctions.NormalQuantile(1 - Mass / 2);
                var sd = Math.Sqrt(data.ReferenceCovariance[0]);
                return new TailRegion(mean[0] - z * sd, mean[0] + z * sd, double.NaN);
            }
            var sorted = test.Values.Order().ToArray();
            return new TailRegion(Quantile(sorted, Mass / 2), Quantile(sorted, 1 - Mass / 2), double.NaN);
        }
        if (data.ReferenceIsExactGaussian)
        {
            return new TailRegion(double.NaN, double.NaN, SpecialFunctions.ChiSquareQuantile(1 - Mass, data.Dim));
        }
        var factor = data.ReferenceFactor;
        if (!factor.IsFullRank)
        {
            return new TailRegion(double.NaN, double.NaN, double.PositiveInfinity);
        }
        var work = new double[data.Dim];
        var d2 = new double[test.Count];
        for (var i = 0; i < test.Count; i++)
        {
            d2[i] = factor.Mahalanobis2(test.Row(i), mean, work);
        }
        Array.Sort(d2);
        return new TailRegion(double.NaN, double.NaN, Quantile(d2, 1 - Mass));
    }

    /// <summary>Linear interpolation between order statistics (type 7, numpy's default).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    public bool IsTail(ReadOnlySpan<double> x, RowData data, Span<double> work) => data.Dim == 1
        ? x[0] < Low || x[0] > High
        : data.ReferenceFactor.Mahalanobis2(x, data.ReferenceMean, work) > Radius2;
}
