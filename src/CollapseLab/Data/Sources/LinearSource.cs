using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// Synthetic supervised data with a known linear truth (Kazdan et al.; Dohmatob et al.): rows (x₁…x_d, y) with
/// y = x·w + ε, ε ~ N(0, σ²), and features x i.i.d. per coordinate with mean 0 and variance 1 (normal, or uniform on
/// [−√3, √3]). The weights are given, or drawn once per experiment seed as w ~ N(0, I/d) so that ‖w‖² ≈ 1.
/// </summary>
public static class LinearSource
{
    public static readonly string[] FeatureKinds = ["normal", "uniform"];

    public static Func<ulong, ExperimentData> Read(SpecReader data)
    {
        var weights = data.Doubles("weights");
        var dim = data.Int("dim", weights?.Length ?? 10, min: 1, max: 4096);
        if (weights is not null && weights.Length != dim)
        {
            throw data.Error("weights", $"has {weights.Length} entries but dim is {dim}; give one weight per feature.");
        }
        var noise = data.Double("noise", 1.0, min: 0);
        var features = data.Choice("features", "normal", FeatureKinds) == "normal" ? FeatureKind.Normal : FeatureKind.Uniform;
        var train = data.Int("train", 100, min: 1);
        var test = data.Int("test", 10_000, min: 1);
        return seed =>
        {
            var w = weights;
            if (w is null)
            {
                var rng = new StreamKey(seed, 0, 0, Purpose.Init).Open();
                w = new double[dim];
                rng.FillNormal(w, 0, 1 / Math.Sqrt(dim));
            }
            return new LinearData(new LinearTruth(w, noise, features), train, test, seed);
        };
    }
}

public enum FeatureKind
{
    Normal,
    Uniform,
}

/// <summary>The data-generating process of <see cref="LinearSource"/>: features, weights w and noise variance σ².</summary>
public sealed record LinearTruth(double[] Weights, double NoiseVariance, FeatureKind Features)
{
    /// <summary>Fills row-major features (d per row) with mean 0, variance 1 per coordinate.</summary>
    public void FillFeatures(Span<double> destination, RandomStream rng)
    {
        if (Features == FeatureKind.Normal)
        {
            rng.FillNormal(destination);
            return;
        }
        var half = Math.Sqrt(3);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (2 * rng.NextDouble() - 1) * half;
        }
    }

    /// <summary><paramref name="count"/> rows (x, x·w + ε), chunked streams.</summary>
    public RowBatch Sample(int count, StreamKey stream)
    {
        var d = Weights.Length;
        var noise = Math.Sqrt(NoiseVariance);
        return ChunkedRows.Sample(count, d + 1, stream, 1, (rows, rng) =>
        {
            for (var i = 0; i < rows.Length; i += d + 1)
            {
                var row = rows.Slice(i, d + 1);
                FillFeatures(row[..d], rng);
                row[d] = Dot(row[..d], Weights) + noise * rng.NextNormal();
            }
        });
    }

    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
    {
        var s = 0.0;
        for (var j = 0; j < w.Length; j++)
        {
            s += x[j] * w[j];
        }
        return s;
    }
}

/// <summary>Real data of the <c>linear</c> source: rows (x, y) with exact truth for regression metrics and theory.</summary>
public sealed class LinearData : RowData, IKnownTarget
{
    private readonly double[] _mean;
    private readonly double[] _covariance;

    public LinearData(LinearTruth truth, int poolSize, int testSize, ulong seed)
    {
        Truth = truth;
        PoolSize = poolSize;
        Test = truth.Sample(testSize, new StreamKey(seed, 0, 0, Purpose.RealTest));
        // (x, y) has mean 0 and covariance [[I, w], [wᵀ, ‖w‖² + σ²]].
        var d = truth.Weights.Length;
        var k = d + 1;
        _mean = new double[k];
        _covariance = new double[k * k];
        for (var i = 0; i < d; i++)
        {
            _covariance[i * k + i] = 1;
            _covariance[i * k + d] = _covariance[d * k + i] = truth.Weights[i];
        }
        _covariance[d * k + d] = LinearTruth.Dot(truth.Weights, truth.Weights) + truth.NoiseVariance;
    }

    public LinearTruth Truth { get; }

    public double TrueTarget(ReadOnlySpan<double> x) => LinearTruth.Dot(x, Truth.Weights);

    public double NoiseSd => Math.Sqrt(Truth.NoiseVariance);

    public override int Dim => Truth.Weights.Length + 1;

    public override RowBatch Test { get; }

    public override int PoolSize { get; }

    public override double[] ReferenceMean => _mean;

    public override double[] ReferenceCovariance => _covariance;

    public override bool ReferenceIsExactGaussian => Truth.Features == FeatureKind.Normal;

    public override DataBatch Pool(ulong seed, int replicate)
    {
        return Truth.Sample(PoolSize, new StreamKey(seed, replicate, 0, Purpose.RealPool));
    }

    public override DataBatch Fresh(int count, StreamKey stream) => Truth.Sample(count, stream);

    public override string Describe() =>
        $"linear, d={Truth.Weights.Length} {Truth.Features.ToString().ToLowerInvariant()} features, σ²={Truth.NoiseVariance:G4}; real pool {PoolSize}, test {Test.Count}";
}
