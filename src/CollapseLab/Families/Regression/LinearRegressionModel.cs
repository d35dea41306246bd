using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Random;

namespace CollapseLab.Families.Regression;

/// <summary>
/// A fitted linear model y = b + x·ŵ + ε, ε ~ N(0, σ̂²). It samples rows (x, ŷ): x from the fixed design X₀ (row i
/// of a draw uses row i mod T of X₀) or from the truth's design distribution.
/// </summary>
public sealed class LinearRegressionModel : ILinearPredictor
{
    private readonly RowBatch? _fixedDesign;
    private readonly LinearTruth? _freshDesign;

    public LinearRegressionModel(double[] weights, double intercept, double noiseVariance, RowBatch? fixedDesign, LinearTruth? freshDesign,
        string? degeneracy)
    {
        if (fixedDesign is null && freshDesign is null)
        {
            throw new ArgumentException("a regression model needs a fixed design or a design distribution to sample from");
        }
        Weights = weights;
        Intercept = intercept;
        NoiseVariance = noiseVariance;
        _fixedDesign = fixedDesign;
        _freshDesign = fixedDesign is null ? freshDesign : null;
        Degeneracy = degeneracy;
    }

    /// <summary>ŵ, one weight per feature.</summary>
    public double[] Weights { get; }

    public double Intercept { get; }

    /// <summary>σ̂², the variance of the label noise added when sampling.</summary>
    public double NoiseVariance { get; }

    public string? Degeneracy { get; }

    public double Predict(ReadOnlySpan<double> x) => Intercept + LinearTruth.Dot(x, Weights);

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        ChunkedRows.Sample(count, Weights.Length + 1, stream, threads, this, static (rows, first, rng, model) => model.FillRows(rows, first, rng));

    /// <summary>Rows (x, y) from absolute row <paramref name="first"/> on: the fixed design cycles through X₀ by row index.</summary>
    private void FillRows(Span<double> rows, int first, RandomStream rng)
    {
        var d = Weights.Length;
        var k = d + 1;
        var noise = Math.Sqrt(NoiseVariance);
        for (var i = 0; i < rows.Length / k; i++)
        {
            var row = rows.Slice(i * k, k);
            if (_fixedDesign is { } x0)
            {
                x0.Row((first + i) % x0.Count)[..d].CopyTo(row);
            }
            else
            {
                _freshDesign!.FillFeatures(row[..d], rng);
            }
            row[d] = Predict(row[..d]) + noise * rng.NextNormal();
        }
    }
}
