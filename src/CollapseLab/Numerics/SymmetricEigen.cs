namespace CollapseLab.Numerics;

/// <summary>Eigen-decomposition A = V·diag(λ)·Vᵀ of a symmetric matrix by cyclic Jacobi rotations (d up to a few hundred).</summary>
public sealed class SymmetricEigen
{
    public int Dim { get; }

    public double[] Values { get; }

    /// <summary>Eigenvectors as columns, row-major d×d.</summary>
    public double[] Vectors { get; }

    public SymmetricEigen(ReadOnlySpan<double> a, int dim)
    {
        Dim = dim;
        var m = a.ToArray();
        var v = new double[dim * dim];
        for (var i = 0; i < dim; i++)
        {
            v[i * dim + i] = 1;
        }
        for (var sweep = 0; sweep < 100; sweep++)
        {
            var off = 0.0;
            var diag = 0.0;
            for (var p = 0; p < dim; p++)
            {
                diag += m[p * dim + p] * m[p * dim + p];
                for (var q = p + 1; q < dim; q++)
                {
                    off += m[p * dim + q] * m[p * dim + q];
                }
            }
            if (off <= 1e-30 * diag || off == 0)
            {
                break;
            }
            for (var p = 0; p < dim; p++)
            {
                for (var q = p + 1; q < dim; q++)
                {
                    Rotate(m, v, dim, p, q);
                }
            }
        }
        Values = new double[dim];
        for (var i = 0; i < dim; i++)
        {
            Values[i] = m[i * dim + i];
        }
        Vectors = v;
    }

    private static void Rotate(double[] m, double[] v, int n, int p, int q)
    {
        var apq = m[p * n + q];
        if (apq == 0)
        {
            return;
        }
        var theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        if (theta == 0)
        {
            t = 1;
        }
        var c = 1 / Math.Sqrt(t * t + 1);
        var s = t * c;
        for (var k = 0; k < n; k++)
        {
            var mkp = m[k * n + p];
            var mkq = m[k * n + q];
            m[k * n + p] = c * mkp - s * mkq;
            m[k * n + q] = s * mkp + c * mkq;
        }
        for (var k = 0; k < n; k++)
        {
            var mpk = m[p * n + k];
            var mqk = m[q * n + k];
            m[p * n + k] = c * mpk - s * mqk;
            m[q * n + k] = s * mpk + c * mqk;
        }
        for (var k = 0; k < n; k++)
        {
            var vkp = v[k * n + p];
            var vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    /// <summary>A^½ = V·diag(√max(λ,0))·Vᵀ: negative eigenvalues from rounding are clipped to zero.</summary>
    public double[] Sqrt()
    {
        var d = Dim;
        var r = new double[d * d];
        for (var k = 0; k < d; k++)
        {
            var s = Math.Sqrt(Math.Max(Values[k], 0));
            for (var i = 0; i < d; i++)
            {
                var vik = Vectors[i * d + k] * s;
                for (var j = 0; j < d; j++)
                {
                    r[i * d + j] += vik * Vectors[j * d + k];
                }
            }
        }
        return r;
    }
}
