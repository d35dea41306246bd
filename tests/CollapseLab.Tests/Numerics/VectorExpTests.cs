using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using CollapseLab.Numerics;

namespace CollapseLab.Tests.Numerics;

public class VectorExpTests
{
    /// <summary>Arguments over the whole polynomial range, the KDE's clamp, and the values near rounding boundaries.</summary>
    private static double[] Arguments()
    {
        var r = new System.Random(11);
        var x = Enumerable.Range(0, 20_000).Select(_ => (2 * r.NextDouble() - 1) * VectorExp.Limit).ToList();
        x.AddRange(Enumerable.Range(0, 4_000).Select(_ => -30 * r.NextDouble()));
        x.AddRange(Enumerable.Range(-1000, 2001).Select(k => k * Math.Log(2) / 2));
        x.AddRange([-VectorExp.Limit, VectorExp.Limit, 0.0, -0.0, 1e-300, -1e-300, 1.0, -1.0]);
        while (x.Count % Vector512<double>.Count != 0)
        {
            x.Add(0.5);
        }
        return x.ToArray();
    }

    [Fact]
    public void Both_widths_give_the_bits_of_TensorPrimitives_Exp()
    {
        var x = Arguments();
        var expected = new double[x.Length];
        TensorPrimitives.Exp(x, expected);
        for (var i = 0; i < x.Length; i += Vector512<double>.Count)
        {
            var wide = VectorExp.Exp(Vector512.Create(x.AsSpan(i, Vector512<double>.Count)));
            for (var k = 0; k < Vector512<double>.Count; k++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i + k]) == BitConverter.DoubleToInt64Bits(wide[k]),
                    $"exp({x[i + k]:R}): VectorExp (512) {wide[k]:R}, TensorPrimitives {expected[i + k]:R}");
            }
        }
        for (var i = 0; i < x.Length; i += Vector256<double>.Count)
        {
            var narrow = VectorExp.Exp(Vector256.Create(x.AsSpan(i, Vector256<double>.Count)));
            for (var k = 0; k < Vector256<double>.Count; k++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i + k]) == BitConverter.DoubleToInt64Bits(narrow[k]),
                    $"exp({x[i + k]:R}): VectorExp (256) {narrow[k]:R}, TensorPrimitives {expected[i + k]:R}");
            }
        }
    }

    [Fact]
    public void It_agrees_with_Math_Exp_to_an_ulp_or_two()
    {
        var x = Arguments();
        for (var i = 0; i < x.Length; i += Vector512<double>.Count)
        {
            var wide = VectorExp.Exp(Vector512.Create(x.AsSpan(i, Vector512<double>.Count)));
            for (var k = 0; k < Vector512<double>.Count; k++)
            {
                var exact = Math.Exp(x[i + k]);
                Assert.True(Math.Abs(wide[k] - exact) <= 2 * (Math.BitIncrement(exact) - exact), $"exp({x[i + k]:R}) = {wide[k]:R}, Math.Exp {exact:R}");
            }
        }
    }
}
