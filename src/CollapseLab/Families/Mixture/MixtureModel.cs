using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Mixture;

/// <summary>
/// A fitted Gaussian mixture p(x) = Σ_k w_k N(x; μ_k, Σ_k), immutable, with how its fit went (iterations,
/// convergence, components emptied on the way). Its moments are closed-form, so the moment metrics apply. Its
/// components are classes: a mixture fitted class by class (<see cref="ClassOf"/>) samples labelled rows, with a share
/// <see cref="LabelNoise"/> of the labels replaced by another class (an imperfect generator); any mixture can sample
/// rows labelled by component and classify rows by their most probable component.
/// </summary>
public sealed class MixtureModel : IDensityModel, IMomentModel, IMixtureForm, IClassConditional
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

    /// <summary>Component k's class, for a mixture fitted on labelled rows (a class with no rows has no component); null: labels are components.</summary>
    public int[]? ClassOf { get; init; }

    /// <summary>Classes of a labelled fit (some may have no component), else the number of components.</summary>
    public int ClassCount { get; init; }

    public int Classes => ClassCount > 0 ? ClassCount : _factors.Length;

    /// <summary>Share of sampled labels replaced by a uniformly chosen other class.</summary>
    public double LabelNoise { get; init; }

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

    /// <summary>Rows; labelled (<see cref="SampleLabelled"/>) when the mixture was fitted on labelled rows, so labels travel through the loop.</summary>
    public DataBatch Sample(int count, StreamKey stream, int threads) => ClassOf is not null ? SampleLabelled(count, stream, threads)
        : ChunkedRows.Sample(count, Dim, stream, threads, this, static (destination, _, rng, model) =>
        {
            var rows = destination.Length / model.Dim;
            model.FillRows(destination, rng, rows <= 4096 ? stackalloc int[rows] : new int[rows]);
        });

    /// <summary>
    /// The rows <see cref="Sample"/> draws for an unlabelled mixture (same bits), each labelled with its component's
    /// class; then, with label noise p, each label is replaced with probability p by one of the other classes
    /// (uniformly), on the same chunk's stream after the rows.
    /// </summary>
    public RowBatch SampleLabelled(int count, StreamKey stream, int threads)
    {
        var d = Dim;
        // The label rides in an extra column so each chunk's rows and labels come from that chunk's stream.
        var wide = ChunkedRows.Sample(count, d + 1, stream, threads, this, static (destination, _, rng, model) => model.FillLabelled(destination, rng));
        var values = new double[count * d];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            wide.Values.AsSpan(i * (d + 1), d).CopyTo(values.AsSpan(i * d, d));
            labels[i] = (int)wide.Values[i * (d + 1) + d];
        }
        return new RowBatch(values, d, labels);
    }

    private void FillLabelled(Span<double> destination, RandomStream rng)
    {
        var d = Dim;
        var rows = destination.Length / (d + 1);
        var x = new double[rows * d];
        var component = new int[rows];
        FillRows(x, rng, component);
        var classes = Classes;
        for (var r = 0; r < rows; r++)
        {
            var label = ClassOf?[component[r]] ?? component[r];
            if (LabelNoise > 0 && classes > 1 && rng.NextDouble() < LabelNoise)
            {
                label = (label + 1 + (int)(rng.NextDouble() * (classes - 1))) % classes;
            }
            x.AsSpan(r * d, d).CopyTo(destination.Slice(r * (d + 1), d));
            destination[r * (d + 1) + d] = label;
        }
    }

    /// <summary>The class of the component with the largest w_k·N(x; μ_k, Σ_k).</summary>
    public int Classify(ReadOnlySpan<double> x)
    {
        Span<double> work = stackalloc double[Dim];
        var best = 0;
        var bestTerm = double.NegativeInfinity;
        for (var k = 0; k < _factors.Length; k++)
        {
            var term = ComponentTerm(k, x, work);
            if (term > bestTerm)
            {
                best = k;
                bestTerm = term;
            }
        }
        return ClassOf?[best] ?? best;
    }

    private double ComponentTerm(int k, ReadOnlySpan<double> x, Span<double> work)
    {
        var f = _factors[k];
        return f.IsFullRank
            ? _logWeights[k] - 0.5 * (f.Mahalanobis2(x, Components.Mean(k), work) + f.LogDeterminant + Dim * Math.Log(2 * Math.PI))
            : double.NegativeInfinity;
    }

    /// <summary>
    /// Each row: a component k with probability w_k (one uniform), then x = μ_k + L_k·z. All the chunk's z ~ N(0, I)
    /// are drawn first into the destination, then each row is transformed in place.
    /// </summary>
    private void FillRows(Span<double> destination, RandomStream rng, Span<int> component)
    {
        var d = Dim;
        var rows = destination.Length / d;
        var last = _cumulative.Length - 1;
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
            terms[k] = ComponentTerm(k, x, work);
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
