using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollapseLab.Numerics;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// What one covariance kind contributes to EM: its M step (covariances from the weighted scatter of each
/// component) and its log-density (from precomputed precision factors). The EM loop itself is written once in
/// <see cref="ExpectationMaximization"/>.
/// </summary>
internal abstract class CovarianceForm
{
    public static CovarianceForm For(CovarianceKind kind) => kind switch
    {
        CovarianceKind.Full => new FullForm(),
        CovarianceKind.Tied => new TiedForm(),
        CovarianceKind.Diag => new DiagForm(),
        _ => new SphericalForm(),
    };

    /// <summary>True when the M step needs only the diagonal of each scatter matrix.</summary>
    public abstract bool DiagonalScatter { get; }

    /// <summary>
    /// Covariances from the scatter S_k = Σᵢ r_ik (xᵢ−μ_k)(xᵢ−μ_k)ᵀ (lower triangle d×d, or its diagonal) and the
    /// soft counts n_k; <paramref name="regCovar"/> is added to every diagonal. Empty components have null scatter.
    /// </summary>
    public abstract double[][] Estimate(double[]?[] scatter, double[] counts, double regCovar, int d);

    /// <summary>Precision factor of one covariance array of this kind.</summary>
    public abstract ComponentPrecision Prepare(double[] covariance, int d);

    /// <summary>destination[i] = ln N(xᵢ; μ, Σ) for the rows of <paramref name="x"/>.</summary>
    public abstract void LogGaussian(ComponentPrecision precision, ReadOnlySpan<double> mean, in ColumnBlock x, Span<double> destination, EmScratch scratch);

    protected static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Above this dimension the vector kernels' per-row register block would not fit the stack comfortably.</summary>
    protected const int MaxVectorDim = 512;
}

/// <summary>
/// Precision of one component: for full/tied <see cref="Factor"/> is L⁻¹ (lower-triangular, row-major) with
/// Σ = L·Lᵀ, so (x−μ)ᵀΣ⁻¹(x−μ) = ‖L⁻¹(x−μ)‖²; for diag/spherical it is 1/σ² per dimension (or one value).
/// <see cref="HalfLogDetPrecision"/> = −½ ln det Σ, from the Cholesky diagonal. Singular means Σ has no inverse.
/// </summary>
internal sealed record ComponentPrecision(double[] Factor, double HalfLogDetPrecision, bool Singular);

/// <summary>Rows [Start, Start+Rows) of data held column-major (d columns of length N).</summary>
internal readonly record struct ColumnBlock(double[] Columns, int N, int Start, int Rows)
{
    public ReadOnlySpan<double> Column(int j) => Columns.AsSpan(j * N + Start, Rows);
}

/// <summary>Per-worker buffers for one chunk of rows; reused across chunks so the hot loop never allocates.</summary>
internal sealed class EmScratch(int d, int components, int rows)
{
    /// <summary>
    /// Centred columns x_a − μ_a of the block (see <see cref="WeightedScatter"/>), padded with zero columns to a
    /// multiple of four so that the scatter's register blocks never need a ragged edge.
    /// </summary>
    public double[][] Diff { get; } = Enumerable.Range(0, Padded(d)).Select(_ => new double[rows]).ToArray();

    /// <summary>Responsibility-weighted centred columns, padded like <see cref="Diff"/>.</summary>
    public double[][] Weighted { get; } = Enumerable.Range(0, Padded(d)).Select(_ => new double[rows]).ToArray();

    public double[][] LogProb { get; } = Enumerable.Range(0, components).Select(_ => new double[rows]).ToArray();

    public double[] Max { get; } = new double[rows];

    public double[] Sum { get; } = new double[rows];

    /// <summary>The scatter's accumulators, parked between passes over the rows.</summary>
    public Vector256<double>[] Tiles { get; } = new Vector256<double>[WeightedScatter.TileCount(d)];

    /// <summary>Padding and count columns for <see cref="FirstMoments"/>.</summary>
    public double[] Zero { get; } = new double[rows];

    public double[] Ones { get; } = Enumerable.Repeat(1.0, rows).ToArray();

    private static int Padded(int d) => (d + 3) & ~3;
}

/// <summary>Full and tied: Mahalanobis distance through L⁻¹.</summary>
internal abstract class CholeskyForm : CovarianceForm
{
    public override bool DiagonalScatter => false;

    public override ComponentPrecision Prepare(double[] covariance, int d)
    {
        var chol = new Cholesky(covariance, d);
        if (!chol.IsFullRank || double.IsNaN(chol.LogDeterminant))
        {
            return new ComponentPrecision([], double.NaN, true);
        }
        // L⁻¹ column by column: solve L·c = e_j.
        var inverse = new double[d * d];
        var column = new double[d];
        for (var j = 0; j < d; j++)
        {
            Array.Clear(column);
            column[j] = 1;
            chol.SolveLower(column);
            for (var i = j; i < d; i++)
            {
                inverse[i * d + j] = column[i];
            }
        }
        return new ComponentPrecision(inverse, -0.5 * chol.LogDeterminant, false);
    }

    /// <summary>
    /// destination[r] = −½‖L⁻¹(x_r − μ)‖² + c. Sixteen rows at a time by <see cref="WhitenedNorms"/>, then eight
    /// in two 256-bit registers per dimension (the d differences stay in L1 while y_j = Σ_{i≤j} L⁻¹[j,i]·diff_i is
    /// accumulated; each coefficient is broadcast once for both halves), then a scalar tail.
    /// </summary>
    public override void LogGaussian(ComponentPrecision precision, ReadOnlySpan<double> mean, in ColumnBlock x, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        var rows = x.Rows;
        var inverse = precision.Factor;
        var constant = precision.HalfLogDetPrecision - d * HalfLogTwoPi;
        ref var columns = ref MemoryMarshal.GetArrayDataReference(x.Columns);
        ref var l = ref MemoryMarshal.GetArrayDataReference(inverse);
        var r = 0;
        if (Vector256.IsHardwareAccelerated && d <= MaxVectorDim)
        {
            r = WhitenedNorms.Rows16(inverse, constant, mean, x, destination);
            Span<Vector256<double>> diff = stackalloc Vector256<double>[2 * d];
            ref var lo = ref MemoryMarshal.GetReference(diff);
            ref var hi = ref Unsafe.Add(ref lo, d);
            for (; r + 8 <= rows; r += 8)
            {
                for (var i = 0; i < d; i++)
                {
                    var m = Vector256.Create(mean[i]);
                    var at = (nuint)(i * x.N + x.Start + r);
                    Unsafe.Add(ref lo, i) = Vector256.LoadUnsafe(ref columns, at) - m;
                    Unsafe.Add(ref hi, i) = Vector256.LoadUnsafe(ref columns, at + 4) - m;
                }
                var sqLo = Vector256<double>.Zero;
                var sqHi = Vector256<double>.Zero;
                for (var j = 0; j < d; j++)
                {
                    ref var row = ref Unsafe.Add(ref l, j * d);
                    var c = Vector256.Create(row);
                    var yLo = c * lo;
                    var yHi = c * hi;
                    for (var i = 1; i <= j; i++)
                    {
                        c = Vector256.Create(Unsafe.Add(ref row, i));
                        yLo = Vector256.FusedMultiplyAdd(c, Unsafe.Add(ref lo, i), yLo);
                        yHi = Vector256.FusedMultiplyAdd(c, Unsafe.Add(ref hi, i), yHi);
                    }
                    sqLo = Vector256.FusedMultiplyAdd(yLo, yLo, sqLo);
                    sqHi = Vector256.FusedMultiplyAdd(yHi, yHi, sqHi);
                }
                Vector256.FusedMultiplyAdd(sqLo, Vector256.Create(-0.5), Vector256.Create(constant)).StoreUnsafe(ref destination[r]);
                Vector256.FusedMultiplyAdd(sqHi, Vector256.Create(-0.5), Vector256.Create(constant)).StoreUnsafe(ref destination[r + 4]);
            }
        }
        Span<double> tail = stackalloc double[d];
        for (; r < rows; r++)
        {
            for (var i = 0; i < d; i++)
            {
                tail[i] = Unsafe.Add(ref columns, i * x.N + x.Start + r) - mean[i];
            }
            var sq = 0.0;
            for (var j = 0; j < d; j++)
            {
                var y = 0.0;
                for (var i = 0; i <= j; i++)
                {
                    y += inverse[j * d + i] * tail[i];
                }
                sq += y * y;
            }
            destination[r] = -0.5 * sq + constant;
        }
    }

    protected static double[] Symmetric(double[] lower, double scale, double regCovar, int d)
    {
        var m = new double[d * d];
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                var v = lower[a * d + b] * scale;
                m[a * d + b] = v;
                m[b * d + a] = v;
            }
            m[a * d + a] += regCovar;
        }
        return m;
    }
}

internal sealed class FullForm : CholeskyForm
{
    /// <summary>Σ_k = S_k / n_k + reg·I.</summary>
    public override double[][] Estimate(double[]?[] scatter, double[] counts, double regCovar, int d) =>
        scatter.Select((s, k) => s is null ? Identity(d, regCovar) : Symmetric(s, 1 / counts[k], regCovar, d)).ToArray();

    internal static double[] Identity(int d, double value)
    {
        var m = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            m[i * d + i] = value;
        }
        return m;
    }
}

internal sealed class TiedForm : CholeskyForm
{
    /// <summary>Σ = Σ_k S_k / Σ_k n_k + reg·I, one matrix for all components.</summary>
    public override double[][] Estimate(double[]?[] scatter, double[] counts, double regCovar, int d)
    {
        var total = new double[d * d];
        var n = 0.0;
        for (var k = 0; k < scatter.Length; k++)
        {
            if (scatter[k] is { } s)
            {
                TensorPrimitives.Add(total, s, total);
                n += counts[k];
            }
        }
        return [Symmetric(total, 1 / n, regCovar, d)];
    }
}

/// <summary>Diag and spherical: precision is 1/σ² per dimension.</summary>
internal abstract class DiagonalForm : CovarianceForm
{
    public override bool DiagonalScatter => true;

    public override ComponentPrecision Prepare(double[] covariance, int d)
    {
        var halfLogDet = 0.0;
        var precision = new double[covariance.Length];
        for (var j = 0; j < covariance.Length; j++)
        {
            if (!(covariance[j] > 0) || double.IsInfinity(covariance[j]))
            {
                return new ComponentPrecision([], double.NaN, true);
            }
            precision[j] = 1 / covariance[j];
            halfLogDet -= 0.5 * Math.Log(covariance[j]);
        }
        // A spherical variance stands for d equal ones.
        return new ComponentPrecision(precision, covariance.Length == 1 ? d * halfLogDet : halfLogDet, false);
    }

    /// <summary>destination[r] = −½ Σ_j (x_rj − μ_j)²/σ_j² + c, four rows at a time, then a scalar tail.</summary>
    public override void LogGaussian(ComponentPrecision precision, ReadOnlySpan<double> mean, in ColumnBlock x, Span<double> destination, EmScratch scratch)
    {
        var d = mean.Length;
        var rows = x.Rows;
        var p = precision.Factor;
        var spherical = p.Length == 1;
        var constant = precision.HalfLogDetPrecision - d * HalfLogTwoPi;
        ref var columns = ref MemoryMarshal.GetArrayDataReference(x.Columns);
        var r = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; r + 4 <= rows; r += 4)
            {
                var sq = Vector256<double>.Zero;
                for (var j = 0; j < d; j++)
                {
                    var e = Vector256.LoadUnsafe(ref columns, (nuint)(j * x.N + x.Start + r)) - Vector256.Create(mean[j]);
                    sq = Vector256.FusedMultiplyAdd(e * e, Vector256.Create(spherical ? p[0] : p[j]), sq);
                }
                Vector256.FusedMultiplyAdd(sq, Vector256.Create(-0.5), Vector256.Create(constant)).StoreUnsafe(ref destination[r]);
            }
        }
        for (; r < rows; r++)
        {
            var sq = 0.0;
            for (var j = 0; j < d; j++)
            {
                var e = Unsafe.Add(ref columns, j * x.N + x.Start + r) - mean[j];
                sq += e * e * (spherical ? p[0] : p[j]);
            }
            destination[r] = -0.5 * sq + constant;
        }
    }
}

internal sealed class DiagForm : DiagonalForm
{
    /// <summary>σ²_kj = S_k[j] / n_k + reg.</summary>
    public override double[][] Estimate(double[]?[] scatter, double[] counts, double regCovar, int d) =>
        scatter.Select((s, k) => s is null ? Enumerable.Repeat(regCovar, d).ToArray() : s.Select(v => v / counts[k] + regCovar).ToArray()).ToArray();
}

internal sealed class SphericalForm : DiagonalForm
{
    /// <summary>σ²_k = mean_j (S_k[j] / n_k + reg).</summary>
    public override double[][] Estimate(double[]?[] scatter, double[] counts, double regCovar, int d) =>
        scatter.Select((s, k) => new[] { s is null ? regCovar : s.Select(v => v / counts[k] + regCovar).Average() }).ToArray();
}
