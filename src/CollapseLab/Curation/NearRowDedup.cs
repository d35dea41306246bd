using System.Runtime.InteropServices;
using CollapseLab.Data;

namespace CollapseLab.Curation;

/// <summary>
/// Drops rows within ε of an earlier kept row, distances measured in standardised space (each coordinate divided
/// by the real test data's sd, so the scale does not shrink as the model collapses). Grid hashing: kept rows sit in
/// cells of side ε, and a row is compared only with the kept rows of its own and the 3^d − 1 neighbouring cells, so
/// the cost is O(n·3^d) expected instead of O(n²); d is capped at <see cref="MaxDim"/>. Greedy in sample order, so
/// the first of a cluster survives.
/// </summary>
public sealed class NearRowDedup(double epsilon) : CurationStep
{
    public const int MaxDim = 8;

    public override string Name => "dedup";

    public override string Describe() => FormattableString.Invariant($"dedup (rows within ε={epsilon:G3} sd)");

    public override string? Unsupported(ExperimentData data, int samples) => data switch
    {
        not RowData => "with near: needs numeric rows; for texts use jaccard:.",
        RowData { Dim: > MaxDim } rows => $"with near: hashes a grid of 3^d cells around each row, capped at d = {MaxDim}; this data has d = {rows.Dim}.",
        _ => null,
    };

    public override CurationOutcome Apply(CurationInput input)
    {
        var x = (RowBatch)input.Samples;
        var (n, d) = (x.Count, x.Dim);
        var scale = InverseSd((RowBatch)input.Data.Test);
        var z = new double[n * d];
        var rows = x.Span;
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < d; c++)
            {
                z[i * d + c] = rows[i * d + c] * scale[c];
            }
        }
        // A chained hash grid: head[cell] is the last kept row in it, next[row] the kept row before it there.
        var head = new Dictionary<long, int>(n);
        var next = new int[n];
        var keep = new List<int>(n);
        var cell = new long[d];
        var neighbour = new long[d];
        var offsets = (int)Math.Pow(3, d);
        var eps2 = epsilon * epsilon;
        for (var i = 0; i < n; i++)
        {
            var row = z.AsSpan(i * d, d);
            for (var c = 0; c < d; c++)
            {
                cell[c] = (long)Math.Floor(row[c] / epsilon);
            }
            if (!Near(row, cell, neighbour, offsets, head, next, z, d, eps2))
            {
                keep.Add(i);
                ref var last = ref CollectionsMarshal.GetValueRefOrAddDefault(head, Key(cell), out var exists);
                next[i] = exists ? last : -1;
                last = i;
            }
        }
        return CurationOutcome.Keep(x, keep.ToArray());
    }

    /// <summary>True when a kept row in one of the 3^d cells around <paramref name="cell"/> is within ε (a hash collision only adds candidates).</summary>
    private static bool Near(ReadOnlySpan<double> row, long[] cell, long[] neighbour, int offsets, Dictionary<long, int> head, int[] next, double[] z, int d, double eps2)
    {
        for (var o = 0; o < offsets; o++)
        {
            var code = o;
            for (var c = 0; c < d; c++)
            {
                neighbour[c] = cell[c] + code % 3 - 1;
                code /= 3;
            }
            if (!head.TryGetValue(Key(neighbour), out var j))
            {
                continue;
            }
            for (; j >= 0; j = next[j])
            {
                var other = z.AsSpan(j * d, d);
                var sum = 0.0;
                for (var c = 0; c < d; c++)
                {
                    var diff = row[c] - other[c];
                    sum += diff * diff;
                }
                if (sum <= eps2)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static long Key(long[] cell)
    {
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var c in cell)
        {
            h = Random.SplitMix.Combine(h, (ulong)c);
        }
        return (long)h;
    }

    /// <summary>1/sd per column of the real test rows (1 where a column is constant).</summary>
    private static double[] InverseSd(RowBatch test)
    {
        var d = test.Dim;
        var result = new double[d];
        for (var c = 0; c < d; c++)
        {
            var (mean, sum) = (0.0, 0.0);
            for (var i = 0; i < test.Count; i++)
            {
                mean += test.Row(i)[c];
            }
            mean /= test.Count;
            for (var i = 0; i < test.Count; i++)
            {
                var diff = test.Row(i)[c] - mean;
                sum += diff * diff;
            }
            var sd = Math.Sqrt(sum / Math.Max(1, test.Count - 1));
            result[c] = sd > 0 ? 1 / sd : 1;
        }
        return result;
    }
}
