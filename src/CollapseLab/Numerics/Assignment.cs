namespace CollapseLab.Numerics;

/// <summary>Minimum-cost assignment (the Hungarian algorithm with potentials, O(n²m)).</summary>
public static class Assignment
{
    /// <summary>
    /// For an n×m cost matrix (row-major), the column assigned to each row (distinct columns) minimising the total
    /// cost when n ≤ m; when n > m, each column gets a distinct row and the n − m rows left over get −1.
    /// </summary>
    public static int[] Solve(double[] cost, int n, int m)
    {
        if (n > m)
        {
            var transposed = new double[m * n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    transposed[j * n + i] = cost[i * m + j];
                }
            }
            var rowOfColumn = Solve(transposed, m, n);
            var result = Enumerable.Repeat(-1, n).ToArray();
            for (var j = 0; j < m; j++)
            {
                result[rowOfColumn[j]] = j;
            }
            return result;
        }
        // 1-based potentials u (rows), v (columns); p[j] = row matched to column j, 0 = none.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, m + 1).ToArray();
            var used = new bool[m + 1];
            do
            {
                used[j0] = true;
                var i0 = p[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }
                    var current = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
                    if (current < minv[j])
                    {
                        minv[j] = current;
                        way[j] = j0;
                    }
                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            }
            while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        var assignment = new int[n];
        for (var j = 1; j <= m; j++)
        {
            if (p[j] != 0)
            {
                assignment[p[j] - 1] = j - 1;
            }
        }
        return assignment;
    }
}
