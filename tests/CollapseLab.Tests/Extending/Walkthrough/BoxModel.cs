using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Random;

namespace CollapseLab.Tests.Extending.Walkthrough;

/// <summary>Uniform on the box [low, high]: density 1/Π(high − low) inside, mean the centre, variance width²/12.</summary>
public sealed class BoxModel(double[] low, double[] high) : IDensityModel, IMomentModel
{
    public int Dim => low.Length;

    public double[] Mean { get; } = low.Zip(high, (a, b) => (a + b) / 2).ToArray();

    public double[] Covariance { get; } = Diagonal(low.Zip(high, (a, b) => (b - a) * (b - a) / 12).ToArray());

    public string? Degeneracy => low.Zip(high).Any(p => p.First >= p.Second) ? "the box has zero width" : null;

    public DataBatch Sample(int count, StreamKey stream, int threads) =>
        ChunkedRows.Sample(count, Dim, stream, threads, (destination, rng) =>
        {
            for (var i = 0; i < destination.Length; i++)
            {
                var j = i % Dim;
                destination[i] = low[j] + (high[j] - low[j]) * rng.NextDouble();
            }
        });

    public double LogDensity(ReadOnlySpan<double> x)
    {
        var logVolume = 0.0;
        for (var j = 0; j < Dim; j++)
        {
            if (x[j] < low[j] || x[j] > high[j] || high[j] <= low[j])
            {
                return double.NegativeInfinity;
            }
            logVolume += Math.Log(high[j] - low[j]);
        }
        return -logVolume;
    }

    private static double[] Diagonal(double[] values)
    {
        var d = values.Length;
        var matrix = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            matrix[i * d + i] = values[i];
        }
        return matrix;
    }
}
