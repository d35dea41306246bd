using BenchmarkDotNet.Attributes;
using CollapseLab.Data;
using CollapseLab.Families.Kde;
using CollapseLab.Random;

namespace CollapseLab.Benchmarks.Kde;

/// <summary>
/// KDE score_samples of 10,000 points against 100,000 centres (2-D, z-scored, Gaussian kernel, Scott bandwidth) and
/// sampling 100,000 rows: the case of ../shared/peers/gmm_em.py. The arrays come from make_kde_bench_data.py
/// (directory in COLLAPSELAB_KDE_BENCH_DATA, default /tmp/kde-bench); setup checks the log-densities against
/// scikit-learn's and fails above 1e-9.
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 7)]
[MinColumn, MedianColumn, MaxColumn]
public class KdeBenchmarks
{
    private KdeModel _model = null!;
    private RowBatch _queries = null!;
    private double[] _result = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var directory = Environment.GetEnvironmentVariable("COLLAPSELAB_KDE_BENCH_DATA") ?? "/tmp/kde-bench";
        var train = new RowBatch(Read(Path.Combine(directory, "kde_train.f64")), 2);
        _queries = new RowBatch(Read(Path.Combine(directory, "kde_queries.f64")), 2);
        var expected = Read(Path.Combine(directory, "kde_sklearn.f64"));
        _model = new KdeModel(train, Bandwidth.Scott.For(train.Count, 2), KdeKernel.Gaussian);
        _result = new double[_queries.Count];
        _model.LogDensities(_queries, _result, Threads);
        var worst = _result.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"// KDE check: max |log p − scikit-learn| over {expected.Length} queries = {worst:E2}");
        if (!(worst <= 1e-9))
        {
            throw new InvalidOperationException($"KDE log-densities differ from scikit-learn's by {worst:E2} (> 1e-9)");
        }
    }

    private static double[] Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new double[bytes.Length / sizeof(double)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    [Benchmark]
    public double ScoreSamples10k()
    {
        _model.LogDensities(_queries, _result, Threads);
        return _result[0];
    }

    [Benchmark]
    public int Sample100k() => _model.Sample(100_000, new StreamKey(1, 0, 0, Purpose.Sample), Threads).Count;
}
