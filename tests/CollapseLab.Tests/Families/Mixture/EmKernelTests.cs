using CollapseLab.Families.Mixture;
using CollapseLab.Random;

namespace CollapseLab.Tests.Families.Mixture;

/// <summary>The EM kernels against scalar references at awkward lengths; the largest difference is reported.</summary>
public class EmKernelTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 7, 33, 1025 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ExpMatchesMathExp(int n)
    {
        var rng = new StreamKey(1, 0, 0, Purpose.Metric).Open();
        var x = Enumerable.Range(0, n).Select(i => i % 11 == 3 ? -730 + rng.NextDouble() * 30 : -60 + 80 * rng.NextDouble()).ToArray();
        var y = (double[])x.Clone();
        EmKernels.Exp(y);
        var worst = x.Select((v, i) => Math.Exp(v) == 0 ? Math.Abs(y[i]) : Math.Abs(y[i] - Math.Exp(v)) / Math.Exp(v)).DefaultIfEmpty(0).Max();
        Assert.True(worst < 5e-16, $"largest relative difference {worst:E2}");
    }

    [Fact]
    public void ExpHandlesEdges()
    {
        double[] x = [0, -0.0, 709, -708, 1e-300, -745.2, double.NegativeInfinity, 710, double.NaN, -1, 1, 2];
        var y = (double[])x.Clone();
        EmKernels.Exp(y);
        for (var i = 0; i < x.Length; i++)
        {
            var expected = Math.Exp(x[i]);
            Assert.True(expected.Equals(y[i]) || Math.Abs(y[i] - expected) <= 5e-16 * expected, $"exp({x[i]}) = {y[i]}, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumMatchesScalarLoop(int n)
    {
        var rng = new StreamKey(2, 0, 0, Purpose.Metric).Open();
        var x = Enumerable.Range(0, n).Select(_ => rng.NextNormal()).ToArray();
        var sum = 0.0;
        var scale = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += x[i];
            scale += Math.Abs(x[i]);
        }
        Assert.True(Math.Abs(EmKernels.Sum(x) - sum) <= 1e-14 * scale + 1e-300);
    }
}

public class EmLogKernelTests
{
    [Theory]
    [MemberData(nameof(EmKernelTests.Lengths), MemberType = typeof(EmKernelTests))]
    public void LogMatchesMathLog(int n)
    {
        var rng = new StreamKey(3, 0, 0, Purpose.Metric).Open();
        var x = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? 1 + (rng.NextDouble() - 0.5) * 1e-6 : Math.Exp(-700 + 1400 * rng.NextDouble())).ToArray();
        var y = (double[])x.Clone();
        EmKernels.Log(y);
        var worst = x.Select((v, i) => Math.Abs(y[i] - Math.Log(v)) / Math.Max(Math.Abs(Math.Log(v)), 1e-300)).DefaultIfEmpty(0).Max();
        Assert.True(worst < 1e-15, $"largest relative difference {worst:E2}");
    }

    [Fact]
    public void LogHandlesEdges()
    {
        double[] x = [1, 2, 0.5, 1.4142135623730951, 1.4142135623730954, 3, 0, -1, double.PositiveInfinity, double.NaN, 1e-310, 4.9e-324];
        var y = (double[])x.Clone();
        EmKernels.Log(y);
        for (var i = 0; i < x.Length; i++)
        {
            var expected = Math.Log(x[i]);
            Assert.True(expected.Equals(y[i]) || Math.Abs(y[i] - expected) <= 1e-15 * Math.Abs(expected), $"log({x[i]}) = {y[i]}, expected {expected}");
        }
    }
}
