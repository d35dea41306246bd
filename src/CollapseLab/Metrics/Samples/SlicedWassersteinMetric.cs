namespace CollapseLab.Metrics.Samples;

/// <summary>
/// Sliced Wasserstein-1: the mean over <see cref="Projections"/> fixed random directions θ (uniform on the sphere,
/// seeded by the experiment seed) of the 1-D W1 between the projections θ·x of the generated and the real rows,
/// W1 = ∫ |F(t) − G(t)| dt of their empirical CDFs (exact for any two sample sizes).
/// </summary>
public sealed class SlicedWassersteinMetric : SampleMetric
{
    public const int Projections = 128;

    public const int Size = 2000;

    public override string Name => "sliced_w1";

    public override string Description => $"sliced Wasserstein-1 distance between samples and real test data ({Projections} projections, ≤ {Size} rows each; 0 = same)";

    public override double Compute(MetricContext context)
    {
        var real = SampleSets.RealRows(context, Size);
        var generated = SampleSets.GeneratedRows(context, Size);
        var d = real.Dim;
        var directions = Directions(context, d);
        var a = new double[real.Count];
        var b = new double[generated.Count];
        var sum = 0.0;
        for (var p = 0; p < Projections; p++)
        {
            var theta = directions.AsSpan(p * d, d);
            Project(real, theta, a);
            Project(generated, theta, b);
            sum += W1Sorted(a, b);
        }
        return sum / Projections;
    }

    /// <summary>The <see cref="Projections"/> unit directions (row p of a Projections×d array), fixed per seed and data.</summary>
    public static double[] Directions(MetricContext context, int d) =>
        SampleSets.Real(context, "sliced_w1:directions", () =>
        {
            var rng = SampleSets.RealStream(context, "sliced_w1:directions").Open();
            var theta = new double[Projections * d];
            for (var p = 0; p < Projections; p++)
            {
                var row = theta.AsSpan(p * d, d);
                double norm2;
                do
                {
                    rng.FillNormal(row);
                    norm2 = 0;
                    foreach (var v in row)
                    {
                        norm2 += v * v;
                    }
                }
                while (norm2 == 0);
                var inv = 1 / Math.Sqrt(norm2);
                foreach (ref var v in row)
                {
                    v *= inv;
                }
            }
            return theta;
        });

    private static void Project(Data.RowBatch rows, ReadOnlySpan<double> theta, double[] destination)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            var s = 0.0;
            for (var j = 0; j < theta.Length; j++)
            {
                s += row[j] * theta[j];
            }
            destination[i] = s;
        }
        Array.Sort(destination);
    }

    /// <summary>∫ |F_a − F_b| for sorted samples a and b, walking the merged order.</summary>
    public static double W1Sorted(double[] a, double[] b)
    {
        int i = 0, j = 0;
        var total = 0.0;
        var previous = Math.Min(a[0], b[0]);
        while (i < a.Length || j < b.Length)
        {
            var next = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            total += Math.Abs((double)i / a.Length - (double)j / b.Length) * (next - previous);
            previous = next;
            if (j >= b.Length || (i < a.Length && a[i] <= b[j]))
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return total;
    }
}
