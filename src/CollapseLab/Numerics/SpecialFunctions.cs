namespace CollapseLab.Numerics;

/// <summary>Special functions the theory and metrics need; each accurate to about 1e-12 or better where used.</summary>
public static class SpecialFunctions
{
    /// <summary>ψ(x), the digamma function, for x &gt; 0 (recurrence up to x ≥ 10, then the asymptotic series).</summary>
    public static double Digamma(double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        var result = 0.0;
        while (x < 10)
        {
            result -= 1 / x;
            x += 1;
        }
        var f = 1 / (x * x);
        return result + Math.Log(x) - 0.5 / x
            - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms).</summary>
    public static double LogGamma(double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        x -= 1;
        var a = c[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++)
        {
            a += c[i] / (x + i);
        }
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Φ(x), the standard normal CDF, via erfc (relative accuracy about 1e-15 in both tails).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step.</summary>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "probability must lie strictly between 0 and 1");
        }
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        double x;
        if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p > 1 - 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        var e = NormalCdf(x) - p;
        var u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>erfc(x), complementary error function (W. J. Cody's rational approximations).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        double r;
        if (z < 0.5)
        {
            r = 1 - ErfSmall(z);
        }
        else if (z < 4)
        {
            ReadOnlySpan<double> p = [3.004592610201616005e2, 4.519189537118729422e2, 3.393208167343436870e2, 1.529892850469404039e2, 4.316222722205673530e1, 7.211758250883093659, 5.641955174789739711e-1, -1.368648573827167067e-7];
            ReadOnlySpan<double> q = [3.004592609569832933e2, 7.909509253278980272e2, 9.313540948506096211e2, 6.389802644656311665e2, 2.775854447439876434e2, 7.700015293522947295e1, 1.278272731962942351e1, 1];
            double num = 0, den = 0;
            for (var i = 7; i >= 0; i--)
            {
                num = num * z + p[i];
                den = den * z + q[i];
            }
            r = Math.Exp(-z * z) * num / den;
        }
        else
        {
            ReadOnlySpan<double> p = [-2.99610707703542174e-3, -4.94730910623250734e-2, -2.26956593539686930e-1, -2.78661308609647788e-1, -2.23192459734184686e-2];
            ReadOnlySpan<double> q = [1.06209230528467918e-2, 1.91308926107829841e-1, 1.05167510706793207, 1.98733201817135256, 1];
            var w = 1 / (z * z);
            double num = 0, den = 0;
            for (var i = 4; i >= 0; i--)
            {
                num = num * w + p[i];
                den = den * w + q[i];
            }
            r = Math.Exp(-z * z) / z * (1 / Math.Sqrt(Math.PI) + w * num / den);
        }
        return x < 0 ? 2 - r : r;
    }

    private static double ErfSmall(double z)
    {
        ReadOnlySpan<double> p = [3.209377589138469472562e3, 3.774852376853020208137e2, 1.138641541510501556495e2, 3.161123743870565596947, 1.857777061846031526730e-1];
        ReadOnlySpan<double> q = [2.844236833439170622273e3, 1.282616526077372275645e3, 2.440246379344441733056e2, 2.360129095234412093499e1, 1];
        var t = z * z;
        double num = 0, den = 0;
        for (var i = 4; i >= 0; i--)
        {
            num = num * t + p[i];
            den = den * t + q[i];
        }
        return z * num / den;
    }

    /// <summary>P(a, x), the regularised lower incomplete gamma function (series or continued fraction).</summary>
    public static double GammaP(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }
        var logPrefix = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum;
            for (var n = 1; n < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                term *= x / (a + n);
                sum += term;
            }
            return sum * Math.Exp(logPrefix);
        }
        // Lentz's continued fraction for Q(a, x).
        double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
        for (var n = 1; n < 1000; n++)
        {
            var an = -n * (n - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < 1e-300 ? 1e-300 : d;
            c = b + an / c;
            c = Math.Abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }
        return 1 - Math.Exp(logPrefix) * h;
    }

    /// <summary>The p-quantile of the χ² distribution with k degrees of freedom (bisection on P(k/2, x/2)).</summary>
    public static double ChiSquareQuantile(double p, int k)
    {
        double lo = 0, hi = Math.Max(1, k);
        while (GammaP(k / 2.0, hi / 2) < p)
        {
            hi *= 2;
        }
        for (var i = 0; i < 200 && hi - lo > 1e-14 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (GammaP(k / 2.0, mid / 2) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
