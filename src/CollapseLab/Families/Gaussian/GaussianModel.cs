using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Gaussian;

/// <summary>N(μ, Σ) with Σ factored once; a singular Σ samples on its support and has log-density −∞ off it.</summary>
public sealed class GaussianModel : IDensityModel, Metrics.IMomentModel
{
    public GaussianModel(double[] mean, double[] covariance)
    {
        Mean = mean;
        Covariance = covariance;
        Factor = new Cholesky(covariance, mean.Length);
        _factorTransposed = mean.Length > 1 ? Transpose(Factor.L, mean.Length) : [];
        Degeneracy = FindDegeneracy();
    }

    /// <summary>Lᵀ, row-major: row k is column k of L (zero before position k), for sampling.</summary>
    private readonly double[] _factorTransposed;

    public double[] Mean { get; }

    /// <summary>Row-major d×d.</summary>
    public double[] Covariance { get; }

    public Cholesky Factor { get; }

    public int Dim => Mean.Length;

    public string? Degeneracy { get; }

    private string? FindDegeneracy()
    {
        if (!Factor.IsFullRank)
        {
            return Dim == 1 ? "variance is zero" : $"covariance is singular (rank {Factor.Rank} of {Dim})";
        }
        for (var i = 0; i < Dim; i++)
        {
            // Below this spread every sample rounds to the mean: the model can no longer produce distinct values.
            if (Math.Sqrt(Covariance[i * Dim + i]) <= double.Epsilon + 2.3e-16 * Math.Abs(Mean[i]))
            {
                return $"spread in dimension {i + 1} is below float64 resolution of its mean";
            }
        }
        return null;
    }

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        ChunkedRows.Sample(count, Dim, stream, threads, this, static (destination, _, rng, model) => model.FillRows(destination, rng));

    private void FillRows(Span<double> destination, RandomStream rng)
    {
        var d = Dim;
        if (d == 1)
        {
            rng.FillNormal(destination, Mean[0], Factor.L[0]);
            return;
        }
        // All z at once (the generator fills four at a time), then x = μ + L·z row by row as Σ_k z_k·(column k of
        // L), the columns stored as rows of Lᵀ so each step is a contiguous four-lane update. x_i still sums μ_i,
        // l_i0·z_0, l_i1·z_1, … in that order (adding the zeros above the diagonal changes nothing).
        rng.FillNormal(destination);
        Span<double> x = stackalloc double[d];
        for (var row = 0; row < destination.Length; row += d)
        {
            var z = destination.Slice(row, d);
            var j = 0;
            for (; j + 16 <= d; j += 16)
            {
                Transform16(z, j, x);
            }
            if (j < d)
            {
                Mean.AsSpan(j).CopyTo(x[j..]);
                for (var k = 0; k < d; k++)
                {
                    Numerics.Axpy.Add(x[j..], _factorTransposed.AsSpan(k * d + j, d - j), z[k]);
                }
            }
            x.CopyTo(z);
        }
    }

    /// <summary>x[j..j+16] = μ[j..j+16] + Σ_k z_k·Lᵀ[k, j..j+16] with the sixteen sums held in four registers.</summary>
    private void Transform16(ReadOnlySpan<double> z, int j, Span<double> x)
    {
        var d = Dim;
        ref var lt = ref MemoryMarshal.GetArrayDataReference(_factorTransposed);
        var m = Mean.AsSpan(j, 16);
        var a0 = Vector256.Create(m[..4]);
        var a1 = Vector256.Create(m[4..8]);
        var a2 = Vector256.Create(m[8..12]);
        var a3 = Vector256.Create(m[12..16]);
        for (var k = 0; k < d; k++)
        {
            var zk = Vector256.Create(z[k]);
            var offset = (nuint)(k * d + j);
            a0 += zk * Vector256.LoadUnsafe(ref lt, offset);
            a1 += zk * Vector256.LoadUnsafe(ref lt, offset + 4);
            a2 += zk * Vector256.LoadUnsafe(ref lt, offset + 8);
            a3 += zk * Vector256.LoadUnsafe(ref lt, offset + 12);
        }
        a0.CopyTo(x[j..]);
        a1.CopyTo(x[(j + 4)..]);
        a2.CopyTo(x[(j + 8)..]);
        a3.CopyTo(x[(j + 12)..]);
    }

    private static double[] Transpose(double[] a, int d)
    {
        var t = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < d; k++)
            {
                t[k * d + i] = a[i * d + k];
            }
        }
        return t;
    }

    public double LogDensity(ReadOnlySpan<double> x)
    {
        if (!Factor.IsFullRank)
        {
            return double.NegativeInfinity;
        }
        Span<double> work = stackalloc double[Dim];
        var m2 = Factor.Mahalanobis2(x, Mean, work);
        return -0.5 * (m2 + Factor.LogDeterminant + Dim * Math.Log(2 * Math.PI));
    }
}
