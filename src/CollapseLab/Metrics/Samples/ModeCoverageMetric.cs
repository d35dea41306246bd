using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Real data whose distribution has known modes, e.g. the components of a mixture: each mode has a region and a
/// real share. Sources with known components implement this; for others, modes are k-means clusters.
/// </summary>
public interface IKnownModes
{
    /// <summary>Real probability of each mode.</summary>
    IReadOnlyList<double> ModeWeights { get; }

    /// <summary>The mode whose region holds <paramref name="x"/>, or −1 when it lies in none.</summary>
    int ModeOf(ReadOnlySpan<double> x);
}

/// <summary>
/// Share of real modes the model still covers. A mode is covered when at least one generated row, and at least
/// <see cref="MinimumShare"/> of its real share, falls in its region. Modes are the data's known components
/// (<see cref="IKnownModes"/>), otherwise <see cref="KMeansModes.Clusters"/> k-means clusters of a real test subsample,
/// each cluster's region the points nearer its centroid than any other and within its farthest real member.
/// Coverage cannot exceed (generated rows)/(modes), so compare arms with the same samples per generation.
/// </summary>
public sealed class ModeCoverageMetric : SampleMetric
{
    public const double MinimumShare = 0.1;

    public override string Name => "mode_coverage";

    public override string Description => $"share of real modes (known components, else {KMeansModes.Clusters} k-means clusters of real test data) holding ≥ {MinimumShare:P0} of their real share of samples";

    public override double Compute(MetricContext context)
    {
        var modes = context.Data as IKnownModes
            ?? SampleSets.Real(context, "modes", () => KMeansModes.Fit(SampleSets.RealRows(context, KMeansModes.Size), SampleSets.RealStream(context, "modes")));
        var generated = (RowBatch)context.Samples;
        var counts = new int[modes.ModeWeights.Count];
        for (var i = 0; i < generated.Count; i++)
        {
            var m = modes.ModeOf(generated.Row(i));
            if (m >= 0)
            {
                counts[m]++;
            }
        }
        var covered = 0;
        for (var c = 0; c < counts.Length; c++)
        {
            if (counts[c] >= 1 && counts[c] >= MinimumShare * modes.ModeWeights[c] * generated.Count)
            {
                covered++;
            }
        }
        return (double)covered / counts.Length;
    }
}

/// <summary>Modes as k-means clusters (k-means++ seeding, Lloyd iterations) of real rows.</summary>
public sealed class KMeansModes : IKnownModes
{
    public const int Clusters = 10;

    public const int Size = 2000;

    private const int Iterations = 100;

    private readonly double[] _centroids;
    private readonly double[] _radii2;
    private readonly int _dim;

    private KMeansModes(double[] centroids, double[] radii2, double[] weights, int dim)
    {
        _centroids = centroids;
        _radii2 = radii2;
        ModeWeights = weights;
        _dim = dim;
    }

    public IReadOnlyList<double> ModeWeights { get; }

    public int ModeOf(ReadOnlySpan<double> x)
    {
        var (c, d2) = Nearest(x, _centroids, _radii2.Length, _dim);
        return d2 <= _radii2[c] ? c : -1;
    }

    public static KMeansModes Fit(RowBatch rows, StreamKey stream)
    {
        var n = rows.Count;
        var d = rows.Dim;
        var k = Math.Min(Clusters, n);
        var rng = stream.Open();
        var centroids = new double[k * d];
        // k-means++: each next centre drawn with probability ∝ squared distance to the nearest chosen one.
        rows.Row(rng.NextInt(n)).CopyTo(centroids);
        var nearest = new double[n];
        for (var c = 1; c < k; c++)
        {
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                nearest[i] = Nearest(rows.Row(i), centroids, c, d).Distance2;
                total += nearest[i];
            }
            var pick = n - 1;
            var u = rng.NextDouble() * total;
            for (var i = 0; i < n && total > 0; i++)
            {
                u -= nearest[i];
                if (u < 0)
                {
                    pick = i;
                    break;
                }
            }
            rows.Row(pick).CopyTo(centroids.AsSpan(c * d));
        }
        var assignment = new int[n];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var c = Nearest(rows.Row(i), centroids, k, d).Cluster;
                changed |= c != assignment[i] || iteration == 0;
                assignment[i] = c;
            }
            if (!changed)
            {
                break;
            }
            var sums = new double[k * d];
            var counts = new int[k];
            for (var i = 0; i < n; i++)
            {
                counts[assignment[i]]++;
                for (var j = 0; j < d; j++)
                {
                    sums[assignment[i] * d + j] += rows.Row(i)[j];
                }
            }
            for (var c = 0; c < k; c++)
            {
                // An emptied cluster keeps its centroid.
                for (var j = 0; j < d && counts[c] > 0; j++)
                {
                    centroids[c * d + j] = sums[c * d + j] / counts[c];
                }
            }
        }
        var radii2 = new double[k];
        var weights = new double[k];
        for (var i = 0; i < n; i++)
        {
            var (c, d2) = Nearest(rows.Row(i), centroids, k, d);
            radii2[c] = Math.Max(radii2[c], d2);
            weights[c] += 1.0 / n;
        }
        return new KMeansModes(centroids, radii2, weights, d);
    }

    private static (int Cluster, double Distance2) Nearest(ReadOnlySpan<double> x, double[] centroids, int k, int d)
    {
        var best = 0;
        var bestD2 = double.PositiveInfinity;
        for (var c = 0; c < k; c++)
        {
            var d2 = Distance.Squared(x, centroids.AsSpan(c * d, d));
            if (d2 < bestD2)
            {
                (best, bestD2) = (c, d2);
            }
        }
        return (best, bestD2);
    }
}
