namespace CollapseLab.Curation;

/// <summary>
/// The minimum-cost perfect matching of n rows to n columns (the Hungarian method with row and column potentials,
/// one shortest augmenting path per row): O(n³) time and O(n²) memory for the cost matrix.
/// </summary>
public static class OptimalAssignment
{
    /// <summary>match[i] = the column assigned to row i, minimising Σ cost[i·n + match[i]].</summary>
    public static int[] Solve(ReadOnlySpan<double> cost, int n)
    {
        // u, v are the potentials (1-based, index 0 the virtual start); way[j] is the column before j on the path.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var rowOf = new int[n + 1];
        var way = new int[n + 1];
        var slack = new double[n + 1];
        var used = new bool[n + 1];
        for (var i = 1; i <= n; i++)
        {
            rowOf[0] = i;
            var j0 = 0;
            Array.Fill(slack, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                var i0 = rowOf[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                var row = cost.Slice((i0 - 1) * n, n);
                for (var j = 1; j <= n; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }
                    var reduced = row[j - 1] - u[i0] - v[j];
                    if (reduced < slack[j])
                    {
                        slack[j] = reduced;
                        way[j] = j0;
                    }
                    if (slack[j] < delta)
                    {
                        delta = slack[j];
                        j1 = j;
                    }
                }
                for (var j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        slack[j] -= delta;
                    }
                }
                j0 = j1;
            }
            while (rowOf[j0] != 0);
            do
            {
                var j1 = way[j0];
                rowOf[j0] = rowOf[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        var match = new int[n];
        for (var j = 1; j <= n; j++)
        {
            match[rowOf[j] - 1] = j - 1;
        }
        return match;
    }
}
