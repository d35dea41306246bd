using System.Runtime.CompilerServices;
using CollapseLab.Data;
using CollapseLab.Numerics;

namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of balls around its
/// rows, each ball's radius the distance to that row's k-th nearest neighbour within its own set. Precision is the
/// share of generated rows inside the real manifold (are samples realistic?); recall the share of real rows inside
/// the generated manifold (is the real variety still produced?). With fewer than k + 1 generated rows, k shrinks to
/// the rows available (one row: a ball of radius 0).
/// </summary>
public sealed class PrecisionRecall
{
    public const int Size = 1000;

    private static readonly ConditionalWeakTable<DataBatch, Dictionary<int, PrecisionRecall>> BySamples = new();

    public double Precision { get; private init; }

    public double Recall { get; private init; }

    /// <summary>Both values for this generation, computed once and shared by the two metrics.</summary>
    public static PrecisionRecall For(MetricContext context, int k)
    {
        var perK = BySamples.GetValue(context.Samples, _ => []);
        lock (perK)
        {
            if (!perK.TryGetValue(k, out var result))
            {
                perK[k] = result = Compute(context, k);
            }
            return result;
        }
    }

    private static PrecisionRecall Compute(MetricContext context, int k)
    {
        var real = SampleSets.RealRows(context, Size);
        var realRadii = SampleSets.Real(context, $"knn-radii:{k}", () => Radii(real, k));
        var generated = SampleSets.GeneratedRows(context, Size);
        var generatedRadii = Radii(generated, k);
        return new PrecisionRecall
        {
            Precision = ShareInside(generated, real, realRadii),
            Recall = ShareInside(real, generated, generatedRadii),
        };
    }

    /// <summary>Squared distance of each row to its k-th nearest other row (k capped at count − 1; 0 for one row).</summary>
    public static double[] Radii(RowBatch x, int k)
    {
        var n = x.Count;
        var kk = Math.Min(k, n - 1);
        var radii = new double[n];
        if (kk == 0)
        {
            return radii;
        }
        var nearest = new double[kk];
        for (var i = 0; i < n; i++)
        {
            Array.Fill(nearest, double.PositiveInfinity);
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }
                var d2 = Distance.Squared(x.Row(i), x.Row(j));
                // Keep the kk smallest, sorted ascending (kk is small).
                if (d2 < nearest[kk - 1])
                {
                    var p = kk - 1;
                    while (p > 0 && nearest[p - 1] > d2)
                    {
                        nearest[p] = nearest[p - 1];
                        p--;
                    }
                    nearest[p] = d2;
                }
            }
            radii[i] = nearest[kk - 1];
        }
        return radii;
    }

    /// <summary>Share of <paramref name="points"/> within some ball (centre, radius²) of the manifold.</summary>
    internal static double ShareInside(RowBatch points, RowBatch centres, double[] radii2)
    {
        var inside = 0;
        for (var i = 0; i < points.Count; i++)
        {
            for (var c = 0; c < centres.Count; c++)
            {
                if (Distance.Squared(points.Row(i), centres.Row(c)) <= radii2[c])
                {
                    inside++;
                    break;
                }
            }
        }
        return (double)inside / points.Count;
    }
}

public sealed class PrecisionMetric(int k = 3) : SampleMetric
{
    public override string Name => k == 3 ? "precision" : $"precision_k{k}";

    public override string Description => $"share of samples inside the real data's {k}-NN manifold (Kynkäänniemi et al.; 1 = all realistic)";

    public override double Compute(MetricContext context) => PrecisionRecall.For(context, k).Precision;
}

public sealed class RecallMetric(int k = 3) : SampleMetric
{
    public override string Name => k == 3 ? "recall" : $"recall_k{k}";

    public override string Description => $"share of real test rows inside the samples' {k}-NN manifold (Kynkäänniemi et al.; 1 = all variety kept)";

    public override double Compute(MetricContext context) => PrecisionRecall.For(context, k).Recall;
}
