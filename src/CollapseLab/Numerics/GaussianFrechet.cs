namespace CollapseLab.Numerics;

/// <summary>
/// The squared Fréchet (2-Wasserstein) distance between N(m1, C1) and N(m2, C2):
/// ‖m1 − m2‖² + tr C1 + tr C2 − 2 tr (C1^½ C2 C1^½)^½, with C1^½ given (it is usually reused across calls).
/// </summary>
public static class GaussianFrechet
{
    public static double Squared(ReadOnlySpan<double> m1, ReadOnlySpan<double> c1, ReadOnlySpan<double> root1, ReadOnlySpan<double> m2, ReadOnlySpan<double> c2)
    {
        var d = m1.Length;
        var result = 0.0;
        for (var i = 0; i < d; i++)
        {
            result += (m1[i] - m2[i]) * (m1[i] - m2[i]) + c1[i * d + i] + c2[i * d + i];
        }
        // M = C1^½ C2 C1^½ is symmetric positive semi-definite (symmetrised against rounding); tr M^½ = Σ √λ.
        var m = Multiply(Multiply(root1, c2, d), root1, d);
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < i; j++)
            {
                m[i * d + j] = m[j * d + i] = 0.5 * (m[i * d + j] + m[j * d + i]);
            }
        }
        foreach (var lambda in new SymmetricEigen(m, d).Values)
        {
            result -= 2 * Math.Sqrt(Math.Max(lambda, 0));
        }
        return Math.Max(result, 0);
    }

    private static double[] Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int d)
    {
        var c = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < d; k++)
            {
                var aik = a[i * d + k];
                for (var j = 0; j < d; j++)
                {
                    c[i * d + j] += aik * b[k * d + j];
                }
            }
        }
        return c;
    }
}
