using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Random;

namespace CollapseLab.Families.Regression;

/// <summary>
/// A fitted linear model y = b + x·ŵ + ε, ε ~ N(0, σ̂²). It samples rows (x, ŷ): x from the fixed design X₀ (row i
/// of a draw uses row i mod T of X₀) or from the truth's design distribution.
/// </summary>
public sealed class LinearRegressionModel : IModel
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

    public DataBatch Sample(int count, StreamKey stream, int threads)
    {
        var d = Weights.Length;
        var k = d + 1;
        var values = new double[count * k];
        var noise = Math.Sqrt(NoiseVariance);
        for (var start = 0; start < count; start += LinearTruth.Chunk)
        {
            var rng = stream.WithChunk(start / LinearTruth.Chunk).Open();
            var end = Math.Min(count, start + LinearTruth.Chunk);
            for (var i = start; i < end; i++)
            {
                var row = values.AsSpan(i * k, k);
                if (_fixedDesign is { } x0)
                {
                    x0.Row(i % x0.Count)[..d].CopyTo(row);
                }
                else
                {
                    _freshDesign!.FillFeatures(row[..d], rng);
                }
                row[d] = Predict(row[..d]) + noise * rng.NextNormal();
            }
        }
        return new RowBatch(values, k);
    }
}
