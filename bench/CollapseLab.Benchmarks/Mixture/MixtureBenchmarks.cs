using BenchmarkDotNet.Attributes;
using CollapseLab.Data;
using CollapseLab.Families.Mixture;
using CollapseLab.Random;

namespace CollapseLab.Benchmarks.Mixture;

/// <summary>
/// One EM iteration (E + M step) and sampling for K=3 full-covariance mixtures with N=100,000 rows, the cases of
/// ../shared/peers/gmm_em.py (data drawn the same way: means ~ N(0, 4²), weights 0.5/0.3/0.2, covariances
/// A·Aᵀ + 0.5·I with A having N(0, 1/d) entries).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
public class MixtureBenchmarks
{
    private const int N = 100_000;
    private const int K = 3;

    private ExpectationMaximization _em = null!;
    private MixtureParameters _start = null!;
    private MixtureModel _model = null!;

    [Params(2, 10)]
    public int Dim { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var d = Dim;
        var rng = new StreamKey(0, 0, 0, Purpose.RealPool).Open();
        var means = new double[K * d];
        rng.FillNormal(means, 0, 4);
        var covariances = new double[K][];
        for (var k = 0; k < K; k++)
        {
            var a = new double[d * d];
            rng.FillNormal(a, 0, 1 / Math.Sqrt(d));
            var c = new double[d * d];
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    for (var m = 0; m < d; m++)
                    {
                        c[i * d + j] += a[i * d + m] * a[j * d + m];
                    }
                }
                c[i * d + i] += 0.5;
            }
            covariances[k] = c;
        }
        var truth = new MixtureModel(new MixtureParameters(CovarianceKind.Full, d, [0.5, 0.3, 0.2], means, covariances));
        var x = (RowBatch)truth.Sample(N, new StreamKey(1, 0, 0, Purpose.RealPool), 1);
        var options = new MixtureFamily(K, CovarianceKind.Full, MixtureInit.KMeansPlusPlus, 1, 0, 1, 1e-6, EmptyComponentAction.Drop);
        _em = new ExpectationMaximization(x, options, Threads);
        // Start from a k-means++ fit so the iteration works on realistic responsibilities.
        _start = _em.Fit(new StreamKey(2, 0, 0, Purpose.Fit), null).Parameters;
        _model = new MixtureModel(_start);
    }

    /// <summary>One E step (log-sum-exp responsibilities) and one M step (weights, means, full covariances).</summary>
    [Benchmark]
    public double EmIteration() => Iterate().LowerBound;

    /// <summary>The iteration's whole result, so harnesses can fingerprint its bits.</summary>
    public MixtureFit Iterate() => _em.Run(_start);

    [Benchmark]
    public int Sample100k() => _model.Sample(N, new StreamKey(3, 0, 0, Purpose.Sample), Threads).Count;
}
