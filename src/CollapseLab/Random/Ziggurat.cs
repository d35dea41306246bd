using System.Runtime.CompilerServices;
using CollapseLab.Tensors;

namespace CollapseLab.Random;

/// <summary>
/// Tables for the Marsaglia–Tsang ziggurat with 256 layers for the standard normal. The fast path (about 99% of
/// draws) is one comparison and one multiply; <see cref="Slow"/> handles layer edges and the tail.
/// </summary>
internal static class Ziggurat
{
    private const int Layers = 256;
    private const double R = 3.6541528853610088;        // start of the tail
    private const double V = 4.92867323399e-3;          // area of every layer

    /// <summary>X[i]: right edge of layer i; X[0] is the base strip's virtual width V / f(R).</summary>
    public static readonly double[] X = new double[Layers + 1];

    /// <summary>Ratio[i] = X[i+1] / X[i]: |u| below it lies inside the layer beneath, so it is accepted at once.</summary>
    public static readonly double[] Ratio = new double[Layers];

    /// <summary>F[i] = exp(−X[i]²/2), the density at each edge, so the wedge test needs one exp, not three.</summary>
    private static readonly double[] F = new double[Layers + 1];

    static Ziggurat()
    {
        X[0] = V / Density(R);
        X[1] = R;
        for (var i = 2; i < Layers; i++)
        {
            X[i] = Math.Sqrt(-2 * Math.Log(V / X[i - 1] + Density(X[i - 1])));
        }
        X[Layers] = 0;
        for (var i = 0; i < Layers; i++)
        {
            Ratio[i] = X[i + 1] / X[i];
        }
        for (var i = 1; i <= Layers; i++)
        {
            F[i] = Density(X[i]);
        }
    }

    /// <summary>First elements, for bounds-check-free indexing with a layer number known to be 0…255.</summary>
    public static ref double XStart => ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(X);

    public static ref double RatioStart => ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Ratio);

    /// <summary>A standard normal draw from <paramref name="rng"/>: one comparison and one multiply about 99% of the time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double NextNormal(this ref Xoshiro256 rng)
    {
        var bits = rng.Next();
        var i = (int)(bits & 0xFF);
        var u = Signed(bits);
        ref var ratio = ref Unsafe.Add(ref RatioStart, i);
        return Math.Abs(u) < ratio ? u * Unsafe.Add(ref XStart, i) : Slow(ref rng, i, u);
    }

    /// <summary>u uniform in (−1, 1) from the 53 high bits.</summary>
    public static double Signed(ulong bits) => ((long)(bits >> 11) - (1L << 52) + 0.5) * (1.0 / (1L << 52));

    private static double Density(double x) => Math.Exp(-0.5 * x * x);

    public static double Slow(ref Xoshiro256 rng, int i, double u)
    {
        while (true)
        {
            if (i == 0)
            {
                // Tail beyond R (Marsaglia 1964).
                double x, y;
                do
                {
                    x = -Math.Log(rng.NextDoubleOpenZero()) / R;
                    y = -Math.Log(rng.NextDoubleOpenZero());
                }
                while (y + y < x * x);
                return u < 0 ? -(R + x) : R + x;
            }

            var xCandidate = u * X[i];
            var f0 = F[i];
            var f1 = F[i + 1];
            if (f1 + rng.NextDouble() * (f0 - f1) < Density(xCandidate))
            {
                return xCandidate;
            }

            var bits = rng.Next();
            i = (int)(bits & 0xFF);
            u = Signed(bits);
            if (Math.Abs(u) < Ratio[i])
            {
                return u * X[i];
            }
        }
    }
}
