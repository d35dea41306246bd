using CollapseLab.Data;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Families.Mixture;

/// <summary>k-means++ seeding (Arthur and Vassilvitskii 2007) followed by Lloyd iterations: EM's default start.</summary>
internal static class KMeans
{
    /// <summary>
    /// Labels of each row after seeding K centres by D² sampling and at most <paramref name="iterations"/> Lloyd
    /// steps (stopping when no label changes). <paramref name="score"/> receives −D² to the nearest centre, so the
    /// worst-fitted rows are the lowest.
    /// </summary>
    public static int[] Cluster(RowBatch x, int k, RandomStream rng, int iterations, Span<double> score)
    {
        var n = x.Count;
        var d = x.Dim;
        var centres = Seed(x, k, rng);
        var labels = new int[n];
        Array.Fill(labels, -1);
        var counts = new int[k];
        for (var iteration = 0; iteration <= iterations; iteration++)
        {
            var changed = Assign(x, centres, k, labels, score);
            if (!changed || iteration == iterations)
            {
                break;
            }
            // Move each centre to the mean of its rows; an empty cluster keeps its centre.
            var sums = new double[k * d];
            Array.Clear(counts);
            for (var i = 0; i < n; i++)
            {
                counts[labels[i]]++;
                var row = x.Row(i);
                for (var j = 0; j < d; j++)
                {
                    sums[labels[i] * d + j] += row[j];
                }
            }
            for (var c = 0; c < k; c++)
            {
                if (counts[c] > 0)
                {
                    for (var j = 0; j < d; j++)
                    {
                        centres[c * d + j] = sums[c * d + j] / counts[c];
                    }
                }
            }
        }
        return labels;
    }

    /// <summary>First centre uniform; each next one a row drawn with probability ∝ its squared distance to the nearest centre.</summary>
    private static double[] Seed(RowBatch x, int k, RandomStream rng)
    {
        var n = x.Count;
        var d = x.Dim;
        var centres = new double[k * d];
        x.Row(rng.NextInt(n)).CopyTo(centres);
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        for (var c = 1; c < k; c++)
        {
            var total = 0.0;
            var last = centres.AsSpan((c - 1) * d, d);
            for (var i = 0; i < n; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance.Squared(x.Row(i), last));
                total += nearest[i];
            }
            int pick;
            if (!(total > 0) || double.IsInfinity(total))
            {
                // Every row sits on a centre already (collapsed data): any row will do.
                pick = rng.NextInt(n);
            }
            else
            {
                var target = rng.NextDouble() * total;
                pick = n - 1;
                var running = 0.0;
                for (var i = 0; i < n; i++)
                {
                    running += nearest[i];
                    if (running > target)
                    {
                        pick = i;
                        break;
                    }
                }
            }
            x.Row(pick).CopyTo(centres.AsSpan(c * d, d));
        }
        return centres;
    }

    private static bool Assign(RowBatch x, double[] centres, int k, int[] labels, Span<double> score)
    {
        var d = x.Dim;
        var changed = false;
        for (var i = 0; i < x.Count; i++)
        {
            var row = x.Row(i);
            var best = 0;
            var bestDistance = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                var dist = Distance.Squared(row, centres.AsSpan(c * d, d));
                if (dist < bestDistance)
                {
                    bestDistance = dist;
                    best = c;
                }
            }
            changed |= labels[i] != best;
            labels[i] = best;
            score[i] = -bestDistance;
        }
        return changed;
    }
}
