using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Gaussian;

/// <summary>N(μ, Σ) with Σ factored once; a singular Σ samples on its support and has log-density −∞ off it.</summary>
public sealed class GaussianModel : IDensityModel, IGaussianForm, IMixtureForm
{
    public GaussianModel(double[] mean, double[] covariance)
    {
        Mean = mean;
        Covariance = covariance;
        Factor = new Cholesky(covariance, mean.Length);
        _transform = mean.Length > 1 ? new LowerTransform(Factor.L, mean.Length) : null;
        Degeneracy = FindDegeneracy(mean, covariance, Factor.Rank);
    }

    /// <summary>x = μ + L·z for sampling (d &gt; 1).</summary>
    private readonly LowerTransform? _transform;

    public double[] Mean { get; }

    /// <summary>Row-major d×d.</summary>
    public double[] Covariance { get; }

    public Cholesky Factor { get; }

    public Mixture.GaussianComponents Components => new(Dim, [1.0], Mean, [Covariance]);

    public int Dim => Mean.Length;

    public string? Degeneracy { get; }

    /// <summary>Why N(μ, Σ) with a factor of this rank is degenerate, or null (shared with the lockstep block).</summary>
    internal static string? FindDegeneracy(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, int rank)
    {
        var dim = mean.Length;
        if (rank < dim)
        {
            return dim == 1 ? "variance is zero" : $"covariance is singular (rank {rank} of {dim})";
        }
        for (var i = 0; i < dim; i++)
        {
            // Below this spread every sample rounds to the mean: the model can no longer produce distinct values.
            if (Math.Sqrt(covariance[i * dim + i]) <= double.Epsilon + 2.3e-16 * Math.Abs(mean[i]))
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
        // All z at once (the generator fills four at a time), then μ + L·z row by row.
        rng.FillNormal(destination);
        Span<double> work = stackalloc double[d];
        for (var row = 0; row < destination.Length; row += d)
        {
            _transform!.Apply(Mean, destination.Slice(row, d), work);
        }
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

    /// <summary>
    /// The mean NLL over the test rows from their mean x̄ and covariance S alone:
    /// ½[d ln 2π + ln det Σ̂ + tr(Σ̂⁻¹S) + (x̄ − μ̂)ᵀΣ̂⁻¹(x̄ − μ̂)], with tr(Σ̂⁻¹S) = tr(L⁻¹ S L⁻ᵀ). O(d³) a generation
    /// instead of O(n·d²).
    /// </summary>
    public double TestNll(RowData real, int threads)
    {
        if (!Factor.IsFullRank)
        {
            return double.PositiveInfinity;
        }
        var d = Dim;
        var (mean, s) = real.TestMoments;
        // Columns of L⁻¹S, then L⁻¹(L⁻¹S)ᵀ = L⁻¹ S L⁻ᵀ column by column; only its diagonal is kept.
        var m = new double[d * d];
        var column = new double[d];
        for (var j = 0; j < d; j++)
        {
            for (var i = 0; i < d; i++)
            {
                column[i] = s[i * d + j];
            }
            Factor.SolveLower(column);
            for (var i = 0; i < d; i++)
            {
                m[i * d + j] = column[i];
            }
        }
        var trace = 0.0;
        for (var j = 0; j < d; j++)
        {
            m.AsSpan(j * d, d).CopyTo(column);
            Factor.SolveLower(column);
            trace += column[j];
        }
        var shift = Factor.Mahalanobis2(mean, Mean, column);
        return 0.5 * (d * Math.Log(2 * Math.PI) + Factor.LogDeterminant + trace + shift);
    }
}
