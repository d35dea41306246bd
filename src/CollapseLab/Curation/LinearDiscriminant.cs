using CollapseLab.Data;
using CollapseLab.Numerics;

namespace CollapseLab.Curation;

/// <summary>
/// Fisher's linear discriminant fitted on labelled rows: class priors π_c, class means μ_c and one pooled covariance
/// Σ (ridge 1e-6·tr Σ/d on the diagonal, so a few rows still give a classifier); a row goes to the class with the
/// largest ln π_c − ½(x − μ_c)ᵀΣ⁻¹(x − μ_c), a linear rule. O(n·d² + d³) to fit.
/// </summary>
public sealed class LinearDiscriminant
{
    private readonly int _dim;
    private readonly double[] _logPriors;
    private readonly double[] _means;
    private readonly Cholesky _factor;

    public LinearDiscriminant(RowBatch rows, int classes)
    {
        var labels = rows.Labels ?? throw new ArgumentException("a discriminant needs labelled rows", nameof(rows));
        var d = _dim = rows.Dim;
        var counts = new double[classes];
        _means = new double[classes * d];
        for (var i = 0; i < rows.Count; i++)
        {
            counts[labels[i]]++;
            var row = rows.Row(i);
            for (var a = 0; a < d; a++)
            {
                _means[labels[i] * d + a] += row[a];
            }
        }
        for (var c = 0; c < classes; c++)
        {
            for (var a = 0; a < d; a++)
            {
                _means[c * d + a] /= Math.Max(counts[c], 1);
            }
        }
        // A class absent from the rows is never predicted.
        _logPriors = counts.Select(n => n > 0 ? Math.Log(n / rows.Count) : double.NegativeInfinity).ToArray();
        var covariance = new double[d * d];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            var mean = _means.AsSpan(labels[i] * d, d);
            for (var a = 0; a < d; a++)
            {
                for (var b = 0; b <= a; b++)
                {
                    covariance[a * d + b] += (row[a] - mean[a]) * (row[b] - mean[b]);
                }
            }
        }
        var trace = 0.0;
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                covariance[a * d + b] = covariance[b * d + a] = covariance[a * d + b] / Math.Max(rows.Count - classes, 1);
            }
            trace += covariance[a * d + a];
        }
        var ridge = 1e-6 * Math.Max(trace / d, 1e-12);
        for (var a = 0; a < d; a++)
        {
            covariance[a * d + a] += ridge;
        }
        _factor = new Cholesky(covariance, d);
    }

    public int Classify(ReadOnlySpan<double> x)
    {
        Span<double> work = stackalloc double[_dim];
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < _logPriors.Length; c++)
        {
            var score = _logPriors[c] - 0.5 * _factor.Mahalanobis2(x, _means.AsSpan(c * _dim, _dim), work);
            if (score > bestScore)
            {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Share of <paramref name="rows"/> (labelled) classified as their label.</summary>
    public double Accuracy(RowBatch rows)
    {
        var right = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            right += Classify(rows.Row(i)) == rows.Labels![i] ? 1 : 0;
        }
        return rows.Count == 0 ? 0 : (double)right / rows.Count;
    }
}
