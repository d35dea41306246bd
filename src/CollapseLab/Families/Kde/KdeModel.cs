using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Families.Kde;

/// <summary>
/// A fitted KDE over n centres xᵢ with per-dimension bandwidths h: p(x) = (1/n) Σᵢ Πⱼ(1/hⱼ) · K(u), uᵢⱼ = (xⱼ − xᵢⱼ)/hⱼ,
/// K normalised as in scikit-learn. Sampling picks a centre uniformly and adds one kernel draw.
/// </summary>
public sealed class KdeModel : IBatchDensityModel, IMomentModel
{
    private readonly Lazy<(double[] Mean, double[] Covariance)> _moments;

    private readonly KdeScorer _scorer;

    public KdeModel(RowBatch centres, double[] bandwidth, KdeKernel kernel)
    {
        if (bandwidth.Length != centres.Dim)
        {
            throw new ArgumentException($"{bandwidth.Length} bandwidths for {centres.Dim} dimensions", nameof(bandwidth));
        }
        Centres = centres;
        Bandwidth = bandwidth;
        Kernel = kernel;
        var logH = 0.0;
        foreach (var h in bandwidth)
        {
            logH += Math.Log(h);
        }
        _scorer = new KdeScorer(centres, bandwidth, kernel, kernel.LogNormalizer(centres.Dim) - logH - Math.Log(centres.Count));
        Degeneracy = AllEqual(centres) && centres.Count > 1 ? $"all {centres.Count} centres coincide" : null;
        _moments = new(Moments);
    }

    /// <summary>The centres' mean: each kernel is centred on its point.</summary>
    public double[] Mean => _moments.Value.Mean;

    /// <summary>
    /// The centres' covariance (divided by n) plus the kernel's, diag(hⱼ²·κ) with κ = E[uⱼ²] = 1 (gaussian),
    /// 1/(d+2) (tophat: uniform in the unit ball) or 1/(d+4) (epanechnikov).
    /// </summary>
    public double[] Covariance => _moments.Value.Covariance;

    private (double[], double[]) Moments()
    {
        var d = Dim;
        var mean = Numerics.Moments.Mean(Centres, 1);
        var covariance = Numerics.Moments.Covariance(Centres, mean, 0, 1);
        var kappa = Kernel switch
        {
            KdeKernel.Gaussian => 1.0,
            KdeKernel.Tophat => 1.0 / (d + 2),
            KdeKernel.Epanechnikov => 1.0 / (d + 4),
            _ => throw new InvalidOperationException($"no kernel variance for {Kernel}"),
        };
        for (var j = 0; j < d; j++)
        {
            covariance[j * d + j] += Bandwidth[j] * Bandwidth[j] * kappa;
        }
        return (mean, covariance);
    }

    public RowBatch Centres { get; }

    public double[] Bandwidth { get; }

    public KdeKernel Kernel { get; }

    public int Dim => Centres.Dim;

    public string? Degeneracy { get; }

    public double LogDensity(ReadOnlySpan<double> x)
    {
        Span<double> result = stackalloc double[1];
        _scorer.Score(x, result, 1);
        return result[0];
    }

    public void LogDensities(RowBatch x, Span<double> destination, int threads)
    {
        if (x.Dim != Dim)
        {
            throw new ArgumentException($"rows of dimension {x.Dim} scored by a KDE of dimension {Dim}", nameof(x));
        }
        _scorer.Score(x.Span, destination[..x.Count], threads);
    }

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        ChunkedRows.Sample(count, Dim, stream, threads, this, static (destination, _, rng, model) => model.FillRows(destination, rng));

    private void FillRows(Span<double> destination, RandomStream rng)
    {
        var d = Dim;
        var n = Centres.Count;
        var centres = Centres.Span;
        var h = Bandwidth;
        if (Kernel == KdeKernel.Gaussian)
        {
            for (var row = 0; row < destination.Length; row += d)
            {
                var centre = rng.NextInt(n) * d;
                for (var j = 0; j < d; j++)
                {
                    destination[row + j] = centres[centre + j] + h[j] * rng.NextNormal();
                }
            }
            return;
        }
        // Tophat and Epanechnikov draws: a uniform point on the unit sphere in d+2 dimensions, projected to its first
        // d coordinates, is uniform in the d-ball (Archimedes); scaled by r = U^(1/(d+2)) it is a uniform point of
        // the (d+2)-ball, whose projection has density ∝ 1 − ‖u‖², the Epanechnikov kernel.
        Span<double> z = stackalloc double[d + 2];
        for (var row = 0; row < destination.Length; row += d)
        {
            var centre = centres.Slice(rng.NextInt(n) * d, d);
            rng.FillNormal(z);
            var norm2 = 0.0;
            foreach (var v in z)
            {
                norm2 += v * v;
            }
            var scale = 1 / Math.Sqrt(norm2);
            if (Kernel == KdeKernel.Epanechnikov)
            {
                scale *= Math.Pow(rng.NextDouble(), 1.0 / (d + 2));
            }
            for (var j = 0; j < d; j++)
            {
                destination[row + j] = centre[j] + h[j] * scale * z[j];
            }
        }
    }

    private static bool AllEqual(RowBatch x)
    {
        var first = x.Row(0);
        for (var i = 1; i < x.Count; i++)
        {
            if (!x.Row(i).SequenceEqual(first))
            {
                return false;
            }
        }
        return true;
    }
}
