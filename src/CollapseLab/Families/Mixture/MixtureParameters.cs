namespace CollapseLab.Families.Mixture;

/// <summary>
/// The parameters of a Gaussian mixture in its covariance kind's own form: K weights, K×d means (row-major), and
/// <see cref="Covariances"/> holding K matrices d×d (full), one d×d matrix (tied), K diagonals of length d (diag)
/// or K single variances (spherical). Arrays are never mutated once a model holds them; EM works on copies.
/// </summary>
public sealed class MixtureParameters
{
    public MixtureParameters(CovarianceKind kind, int dim, double[] weights, double[] means, double[][] covariances)
    {
        var k = weights.Length;
        if (means.Length != k * dim)
        {
            throw new ArgumentException($"{k} components of dimension {dim} need {k * dim} mean values, got {means.Length}.", nameof(means));
        }
        var expected = kind == CovarianceKind.Tied ? 1 : k;
        if (covariances.Length != expected || covariances.Any(c => c.Length != CovarianceLength(kind, dim)))
        {
            throw new ArgumentException($"{kind.Name()} covariance needs {expected} arrays of {CovarianceLength(kind, dim)} values.", nameof(covariances));
        }
        Kind = kind;
        Dim = dim;
        Weights = weights;
        Means = means;
        Covariances = covariances;
    }

    public CovarianceKind Kind { get; }

    public int Dim { get; }

    public int Components => Weights.Length;

    public double[] Weights { get; }

    /// <summary>K×d, row-major: component k's mean is Means[k·d .. (k+1)·d).</summary>
    public double[] Means { get; }

    public double[][] Covariances { get; }

    public ReadOnlySpan<double> Mean(int k) => Means.AsSpan(k * Dim, Dim);

    public static int CovarianceLength(CovarianceKind kind, int dim) => kind switch
    {
        CovarianceKind.Full or CovarianceKind.Tied => dim * dim,
        CovarianceKind.Diag => dim,
        _ => 1,
    };

    /// <summary>Component k's covariance as a dense row-major d×d matrix.</summary>
    public double[] FullCovariance(int k)
    {
        var d = Dim;
        switch (Kind)
        {
            case CovarianceKind.Full:
                return (double[])Covariances[k].Clone();
            case CovarianceKind.Tied:
                return (double[])Covariances[0].Clone();
            case CovarianceKind.Diag:
            {
                var m = new double[d * d];
                for (var i = 0; i < d; i++)
                {
                    m[i * d + i] = Covariances[k][i];
                }
                return m;
            }
            default:
            {
                var m = new double[d * d];
                for (var i = 0; i < d; i++)
                {
                    m[i * d + i] = Covariances[k][0];
                }
                return m;
            }
        }
    }

    public MixtureParameters Copy() =>
        new(Kind, Dim, (double[])Weights.Clone(), (double[])Means.Clone(), Covariances.Select(c => (double[])c.Clone()).ToArray());

    /// <summary>These parameters without the components at <paramref name="drop"/>, weights renormalised.</summary>
    public MixtureParameters Without(IReadOnlyCollection<int> drop)
    {
        var keep = Enumerable.Range(0, Components).Where(k => !drop.Contains(k)).ToArray();
        var total = keep.Sum(k => Weights[k]);
        var weights = keep.Select(k => Weights[k] / total).ToArray();
        var means = keep.SelectMany(k => Means.AsSpan(k * Dim, Dim).ToArray()).ToArray();
        var covariances = Kind == CovarianceKind.Tied ? [Covariances[0]] : keep.Select(k => Covariances[k]).ToArray();
        return new MixtureParameters(Kind, Dim, weights, means, covariances);
    }
}
