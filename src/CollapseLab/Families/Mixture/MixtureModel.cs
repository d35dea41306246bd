using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// A fitted Gaussian mixture p(x) = Σ_k w_k N(x; μ_k, Σ_k), immutable, with how its fit went (iterations,
/// convergence, components emptied on the way). Its moments are closed-form, so the moment metrics apply.
/// </summary>
public sealed class MixtureModel : IDensityModel, Metrics.IMomentModel
{
    /// <summary>Rows drawn per random-stream chunk; fixed so the bits never depend on the thread count.</summary>
    public const int SampleChunk = 1 << 14;

    private readonly Cholesky[] _factors;
    private readonly double[] _logWeights;
    private readonly double[] _cumulative;

    public MixtureModel(MixtureParameters parameters, MixtureFit? fit = null, int requestedComponents = 0)
    {
        Parameters = parameters;
        Fit = fit;
        RequestedComponents = requestedComponents > 0 ? requestedComponents : parameters.Components;
        var k = parameters.Components;
        Components = new GaussianComponents(parameters.Dim, parameters.Weights, parameters.Means,
            Enumerable.Range(0, k).Select(parameters.FullCovariance).ToArray());
        _factors = Components.Covariances.Select(c => new Cholesky(c, Dim)).ToArray();
        _logWeights = parameters.Weights.Select(w => Math.Log(w)).ToArray();
        _cumulative = new double[k];
        var running = 0.0;
        for (var j = 0; j < k; j++)
        {
            running += parameters.Weights[j];
            _cumulative[j] = running;
        }
        Mean = Components.MixtureMean();
        Covariance = Components.MixtureCovariance();
        Degeneracy = fit?.Degeneracy ?? FindDegeneracy();
    }

    /// <summary>The parameters in their covariance kind's form (what a warm start continues from).</summary>
    public MixtureParameters Parameters { get; }

    public GaussianComponents Components { get; }

    /// <summary>How EM went; null for a mixture given directly (e.g. the truth of a source).</summary>
    public MixtureFit? Fit { get; }

    public int RequestedComponents { get; }

    public int Dim => Parameters.Dim;

    public double[] Mean { get; }

    public double[] Covariance { get; }

    public string? Degeneracy { get; }

    private string? FindDegeneracy()
    {
        for (var k = 0; k < _factors.Length; k++)
        {
            if (!_factors[k].IsFullRank)
            {
                return $"component {k + 1} has a singular covariance (rank {_factors[k].Rank} of {Dim})";
            }
        }
        return null;
    }

    public DataBatch Sample(int count, StreamKey stream, int threads)
    {
        var d = Dim;
        var values = new double[count * d];
        var chunks = (count + SampleChunk - 1) / SampleChunk;
        void Fill(int c)
        {
            var start = c * SampleChunk;
            var rows = Math.Min(SampleChunk, count - start);
            FillRows(values.AsSpan(start * d, rows * d), stream.WithChunk(c).Open());
        }
        if (chunks <= 1 || threads <= 1)
        {
            for (var c = 0; c < chunks; c++)
            {
                Fill(c);
            }
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Fill);
        }
        return new RowBatch(values, d);
    }

    /// <summary>Each row: a component k with probability w_k, then x = μ_k + L_k·z with z ~ N(0, I).</summary>
    private void FillRows(Span<double> destination, RandomStream rng)
    {
        var d = Dim;
        var last = _cumulative.Length - 1;
        Span<double> z = stackalloc double[d];
        for (var row = 0; row < destination.Length; row += d)
        {
            var u = rng.NextDouble() * _cumulative[last];
            var k = 0;
            while (k < last && u >= _cumulative[k])
            {
                k++;
            }
            var l = _factors[k].L;
            var mean = Components.Mean(k);
            rng.FillNormal(z);
            for (var i = 0; i < d; i++)
            {
                var s = mean[i];
                for (var j = 0; j <= i; j++)
                {
                    s += l[i * d + j] * z[j];
                }
                destination[row + i] = s;
            }
        }
    }

    /// <summary>ln Σ_k w_k N(x; μ_k, Σ_k) by log-sum-exp; singular components contribute nothing off their support.</summary>
    public double LogDensity(ReadOnlySpan<double> x)
    {
        var d = Dim;
        Span<double> work = stackalloc double[d];
        Span<double> terms = stackalloc double[_factors.Length];
        var max = double.NegativeInfinity;
        for (var k = 0; k < _factors.Length; k++)
        {
            var f = _factors[k];
            terms[k] = f.IsFullRank
                ? _logWeights[k] - 0.5 * (f.Mahalanobis2(x, Components.Mean(k), work) + f.LogDeterminant + d * Math.Log(2 * Math.PI))
                : double.NegativeInfinity;
            max = Math.Max(max, terms[k]);
        }
        if (double.IsNegativeInfinity(max))
        {
            return max;
        }
        var s = 0.0;
        foreach (var t in terms)
        {
            s += Math.Exp(t - max);
        }
        return max + Math.Log(s);
    }
}
