namespace CollapseLab.Numerics;

/// <summary>
/// Lower-triangular Cholesky factor L of a symmetric positive semi-definite d×d matrix (row-major), with A = L·Lᵀ.
/// Collapse drives covariances to singular, so a pivot at or below <c>tolerance · A[i,i]</c> (or below zero by
/// rounding) is not an error: its column is set to zero and counted in <see cref="Rank"/>.
/// </summary>
public sealed class Cholesky
{
    private const double RelativeTolerance = 1e-13;

    public int Dim { get; }

    /// <summary>L, row-major d×d, zero above the diagonal.</summary>
    public double[] L { get; }

    public int Rank { get; }

    public bool IsFullRank => Rank == Dim;

    /// <summary>ln det A = 2 Σ ln L[i,i]; −∞ when singular. Computed on first use: many fits never need it.</summary>
    public double LogDeterminant => double.IsNaN(_logDeterminant) ? _logDeterminant = ComputeLogDeterminant() : _logDeterminant;

    /// <summary>NaN until computed (a plain double, so threads sharing a factor never see half a write).</summary>
    private double _logDeterminant = double.NaN;

    private double ComputeLogDeterminant()
    {
        if (!IsFullRank)
        {
            return double.NegativeInfinity;
        }
        var logDet = 0.0;
        for (var i = 0; i < Dim; i++)
        {
            logDet += 2 * Math.Log(L[i * Dim + i]);
        }
        return logDet;
    }

    public Cholesky(ReadOnlySpan<double> a, int dim)
    {
        if (a.Length != dim * dim)
        {
            throw new ArgumentException($"Cholesky needs a {dim}×{dim} matrix ({dim * dim} values), got {a.Length}.");
        }
        Dim = dim;
        L = new double[dim * dim];
        var rank = 0;
        for (var j = 0; j < dim; j++)
        {
            var sum = a[j * dim + j];
            for (var k = 0; k < j; k++)
            {
                sum -= L[j * dim + k] * L[j * dim + k];
            }
            if (!IsPivot(sum, Math.Abs(a[j * dim + j])))
            {
                // Singular direction: leave the column zero.
                continue;
            }
            var pivot = Math.Sqrt(sum);
            L[j * dim + j] = pivot;
            rank++;
            for (var i = j + 1; i < dim; i++)
            {
                var s = a[i * dim + j];
                for (var k = 0; k < j; k++)
                {
                    s -= L[i * dim + k] * L[j * dim + k];
                }
                L[i * dim + j] = s / pivot;
            }
        }
        Rank = rank;
    }

    /// <summary>True when a direction keeps variance <paramref name="sum"/> above rounding of its diagonal entry <paramref name="scale"/>.</summary>
    private static bool IsPivot(double sum, double scale) => sum > RelativeTolerance * scale && sum > double.Epsilon;

    /// <summary>L of a 1×1 matrix [a] without allocating: √a, or 0 when singular (the L[0] of <c>new Cholesky([a], 1)</c>).</summary>
    public static double Scalar(double a) => IsPivot(a, Math.Abs(a)) ? Math.Sqrt(a) : 0;

    /// <summary>True when A is symmetric and its Cholesky factor is of full rank.</summary>
    public static bool IsPositiveDefinite(ReadOnlySpan<double> a, int dim)
    {
        for (var i = 0; i < dim; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (Math.Abs(a[i * dim + j] - a[j * dim + i]) > 1e-12 * (Math.Abs(a[i * dim + j]) + 1))
                {
                    return false;
                }
            }
        }
        return new Cholesky(a, dim).IsFullRank;
    }

    /// <summary>Solves L·y = b in place (forward substitution). Requires full rank.</summary>
    public void SolveLower(Span<double> b)
    {
        for (var i = 0; i < Dim; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++)
            {
                s -= L[i * Dim + k] * b[k];
            }
            b[i] = s / L[i * Dim + i];
        }
    }

    /// <summary>Solves Lᵀ·x = y in place (back substitution). Requires full rank.</summary>
    public void SolveUpper(Span<double> y)
    {
        for (var i = Dim - 1; i >= 0; i--)
        {
            var s = y[i];
            for (var k = i + 1; k < Dim; k++)
            {
                s -= L[k * Dim + i] * y[k];
            }
            y[i] = s / L[i * Dim + i];
        }
    }

    /// <summary>A⁻¹ as a dense row-major matrix. Requires full rank.</summary>
    public double[] Inverse()
    {
        var inv = new double[Dim * Dim];
        var col = new double[Dim];
        for (var j = 0; j < Dim; j++)
        {
            Array.Clear(col);
            col[j] = 1;
            SolveLower(col);
            SolveUpper(col);
            for (var i = 0; i < Dim; i++)
            {
                inv[i * Dim + j] = col[i];
            }
        }
        return inv;
    }

    /// <summary>(x−μ)ᵀ A⁻¹ (x−μ), using <paramref name="work"/> (length d) as scratch. Requires full rank.</summary>
    public double Mahalanobis2(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, Span<double> work)
    {
        for (var i = 0; i < Dim; i++)
        {
            work[i] = x[i] - mean[i];
        }
        SolveLower(work);
        var s = 0.0;
        for (var i = 0; i < Dim; i++)
        {
            s += work[i] * work[i];
        }
        return s;
    }
}
