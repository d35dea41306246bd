using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// A fitted Gaussian mixture p(x) = Σ_k w_k N(x; μ_k, Σ_k), immutable, with how its fit went (iterations,
/// convergence, components emptied on the way). Its moments are closed-form, so the moment metrics apply.
/// </summary>
public sealed class MixtureModel : IDensityModel, IMomentModel, IMixtureForm
{

    private readonly Cholesky[] _factors;
    private readonly LowerTransform[] _transforms;
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
        _transforms = _factors.Select(f => new LowerTransform(f.L, Dim)).ToArray();
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

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        ChunkedRows.Sample(count, Dim, stream, threads, this, static (destination, _, rng, model) => model.FillRows(destination, rng));

    /// <summary>
    /// Each row: a component k with probability w_k (one uniform), then x = μ_k + L_k·z. All the chunk's z ~ N(0, I)
    /// are drawn first into the destination, then each row is transformed in place.
    /// </summary>
    private void FillRows(Span<double> destination, RandomStream rng)
    {
        var d = Dim;
        var rows = destination.Length / d;
        var last = _cumulative.Length - 1;
        Span<int> component = rows <= 4096 ? stackalloc int[rows] : new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var u = rng.NextDouble() * _cumulative[last];
            var k = 0;
            while (k < last && u >= _cumulative[k])
            {
                k++;
            }
            component[r] = k;
        }
        rng.FillNormal(destination);
        Span<double> work = stackalloc double[d];
        for (var r = 0; r < rows; r++)
        {
            var k = component[r];
            _transforms[k].Apply(Components.Mean(k), destination.Slice(r * d, d), work);
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
