using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollapseLab.Numerics;

/// <summary>
/// z ← μ + L·z for one row, L lower-triangular d×d (a Cholesky factor): how Gaussian draws get their covariance.
/// Computed as Σ_k z_k·(column k of L), the columns kept as rows of Lᵀ so each step is a contiguous four-lane
/// update. Entry i still sums μ_i, l_i0·z_0, l_i1·z_1, … in that order (the zeros above the diagonal add nothing),
/// so the bits are those of the plain triangular loop.
/// </summary>
public sealed class LowerTransform
{
    private readonly double[] _lTransposed;
    private readonly int _d;

    public LowerTransform(double[] l, int d)
    {
        _d = d;
        _lTransposed = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < d; k++)
            {
                _lTransposed[k * d + i] = l[i * d + k];
            }
        }
    }

    /// <param name="work">At least d values of scratch.</param>
    public void Apply(ReadOnlySpan<double> mean, Span<double> z, Span<double> work)
    {
        var d = _d;
        var x = work[..d];
        var j = 0;
        for (; j + 16 <= d; j += 16)
        {
            Apply16(mean, z, j, x);
        }
        if (j < d)
        {
            mean[j..d].CopyTo(x[j..]);
            for (var k = 0; k < d; k++)
            {
                Axpy.Add(x[j..], _lTransposed.AsSpan(k * d + j, d - j), z[k]);
            }
        }
        x.CopyTo(z);
    }

    /// <summary>x[j..j+16] = μ[j..j+16] + Σ_k z_k·Lᵀ[k, j..j+16] with the sixteen sums held in four registers.</summary>
    private void Apply16(ReadOnlySpan<double> mean, ReadOnlySpan<double> z, int j, Span<double> x)
    {
        var d = _d;
        ref var lt = ref MemoryMarshal.GetArrayDataReference(_lTransposed);
        var a0 = Vector256.Create(mean.Slice(j, 4));
        var a1 = Vector256.Create(mean.Slice(j + 4, 4));
        var a2 = Vector256.Create(mean.Slice(j + 8, 4));
        var a3 = Vector256.Create(mean.Slice(j + 12, 4));
        for (var k = 0; k < d; k++)
        {
            var zk = Vector256.Create(z[k]);
            var offset = (nuint)(k * d + j);
            a0 += zk * Vector256.LoadUnsafe(ref lt, offset);
            a1 += zk * Vector256.LoadUnsafe(ref lt, offset + 4);
            a2 += zk * Vector256.LoadUnsafe(ref lt, offset + 8);
            a3 += zk * Vector256.LoadUnsafe(ref lt, offset + 12);
        }
        a0.CopyTo(x[j..]);
        a1.CopyTo(x[(j + 4)..]);
        a2.CopyTo(x[(j + 8)..]);
        a3.CopyTo(x[(j + 12)..]);
    }
}
