using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Tests.Support;
using Xunit.Abstractions;

namespace CollapseLab.Tensors.Tests;

/// <summary>
/// Each op's tape gradient against central finite differences of L = Σ y·g for a fixed random g. The forward runs
/// in float32, so L is accumulated in float64 and the step is 1e-2: truncation error ~1e-5, rounding ~1e-5.
/// </summary>
public class GradientCheckTests(ITestOutputHelper output)
{
    private const double Step = 1e-2;
    private const double Tolerance = 2e-3;

    public static TheoryData<string> AllOps()
    {
        var data = new TheoryData<string>();
        foreach (var name in OpCases.Forward.Keys.Concat(OpCases.ConvForward.Keys).Concat(OpCases.ExtraForward.Keys))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void Gradient_matches_finite_differences(string op)
    {
        var f = OpCases.Forward.TryGetValue(op, out var fn) ? fn : OpCases.ConvForward.TryGetValue(op, out var conv) ? conv : OpCases.ExtraForward[op];
        var inputs = OpCases.GradCheckInputs(op);
        foreach (var t in inputs)
        {
            t.WithGrad();
        }

        float[] g;
        using (var tape = new Tape())
        {
            var y = f(inputs);
            g = Rand.Floats(77, y.Length);
            var loss = Ops.Sum(Ops.Mul(y, Tensor.FromArray((float[])g.Clone(), y.ShapeArray)));
            tape.Backward(loss);
        }

        var worst = 0.0;
        for (var k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k].Data;
            var analytic = inputs[k].Grad.ToArray();
            for (var i = 0; i < x.Length; i++)
            {
                var keep = x[i];
                x[i] = keep + (float)Step;
                var plus = Loss(f, inputs, g);
                x[i] = keep - (float)Step;
                var minus = Loss(f, inputs, g);
                x[i] = keep;
                var numeric = (plus - minus) / (2 * Step);
                var diff = Math.Abs(numeric - analytic[i]) / Math.Max(1.0, Math.Abs(numeric));
                worst = Math.Max(worst, diff);
                Assert.True(diff <= Tolerance, $"{op}: input {k}[{i}] analytic {analytic[i]} vs numeric {numeric}");
            }
        }

        output.WriteLine($"{op}: max difference {worst:E2}");
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, float[] g)
    {
        using var scope = Tape.NoGrad();
        var y = f(inputs).Data;
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            sum += (double)y[i] * g[i];
        }

        return sum;
    }
}
