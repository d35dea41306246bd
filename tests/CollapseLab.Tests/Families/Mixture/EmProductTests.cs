using CollapseLab.Families.Mixture;
using CollapseLab.Random;

namespace CollapseLab.Tests.Families.Mixture;

/// <summary>
/// The EM's GEMM-shaped kernels (first moments, Mahalanobis term, weighted scatter) against scalar references that
/// spell out the documented order of operations, at awkward row counts and dimensions. Vector rows must match to
/// the bit, because that order is what keeps a chain's results the same for any blocking and thread count.
/// </summary>
public class EmProductTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (var d in new[] { 1, 2, 3, 5, 10 })
        {
            foreach (var rows in new[] { 0, 1, 7, 8, 17, 33, 1024 })
            {
                data.Add(d, rows);
            }
        }
        return data;
    }

    /// <summary>Data held column-major with an odd block start, so loads are unaligned and offsets matter.</summary>
    private static (ColumnBlock Block, double[] Mean) Data(int d, int rows, ulong seed)
    {
        const int start = 5;
        var n = rows + start + 3;
        var rng = new StreamKey(seed, 0, 0, Purpose.Metric).Open();
        var columns = Enumerable.Range(0, n * d).Select(_ => 3 * rng.NextNormal() + 1).ToArray();
        var mean = Enumerable.Range(0, d).Select(_ => rng.NextNormal()).ToArray();
        return (new ColumnBlock(columns, n, start, rows), mean);
    }

    /// <summary>Lane l adds rows l, l+4, … by FMA; lanes (0+1)+(2+3); then the tail rows by FMA.</summary>
    private static double OrderedDot(Func<int, double> x, Func<int, double> y, int rows)
    {
        var lanes = new double[4];
        var vectorRows = rows & ~3;
        for (var r = 0; r < vectorRows; r++)
        {
            lanes[r % 4] = Math.FusedMultiplyAdd(x(r), y(r), lanes[r % 4]);
        }
        var s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        for (var r = vectorRows; r < rows; r++)
        {
            s = Math.FusedMultiplyAdd(x(r), y(r), s);
        }
        return s;
    }

    /// <summary>As <see cref="OrderedDot"/> but with two accumulators over alternating groups of four rows.</summary>
    private static double OrderedDotPaired(Func<int, double> x, Func<int, double> y, int rows)
    {
        var acc = new double[2, 4];
        var r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            for (var l = 0; l < 4; l++)
            {
                acc[0, l] = Math.FusedMultiplyAdd(x(r + l), y(r + l), acc[0, l]);
                acc[1, l] = Math.FusedMultiplyAdd(x(r + 4 + l), y(r + 4 + l), acc[1, l]);
            }
        }
        if (r + 4 <= rows)
        {
            for (var l = 0; l < 4; l++)
            {
                acc[0, l] = Math.FusedMultiplyAdd(x(r + l), y(r + l), acc[0, l]);
            }
            r += 4;
        }
        var s = ((acc[0, 0] + acc[1, 0]) + (acc[0, 1] + acc[1, 1])) + ((acc[0, 2] + acc[1, 2]) + (acc[0, 3] + acc[1, 3]));
        for (; r < rows; r++)
        {
            s = Math.FusedMultiplyAdd(x(r), y(r), s);
        }
        return s;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FirstMomentsMatchOrderedReference(int d, int rows)
    {
        var (block, _) = Data(d, rows, 11);
        foreach (var k in new[] { 1, 2, 3 })
        {
            var rng = new StreamKey(12, 0, 0, Purpose.Metric).Open();
            var resp = Enumerable.Range(0, k * block.N).Select(_ => rng.NextDouble()).ToArray();
            var counts = new double[k];
            var sums = new double[k * d];
            FirstMoments.Accumulate(block, d, resp, k, counts, sums, new EmScratch(d, k, rows));
            for (var j = 0; j < k; j++)
            {
                var jj = j;
                double R(int r) => resp[jj * block.N + block.Start + r];
                Assert.Equal(OrderedDotPaired(R, _ => 1.0, rows), counts[j]);
                for (var a = 0; a < d; a++)
                {
                    var aa = a;
                    Assert.Equal(OrderedDotPaired(R, r => block.Column(aa)[r], rows), sums[j * d + a]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MahalanobisTermMatchesScalarDefinition(int d, int rows)
    {
        var (block, mean) = Data(d, rows, 21);
        var rng = new StreamKey(22, 0, 0, Purpose.Metric).Open();
        var a = Enumerable.Range(0, d * d).Select(_ => rng.NextNormal()).ToArray();
        var covariance = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                for (var m = 0; m < d; m++)
                {
                    covariance[i * d + j] += a[i * d + m] * a[j * d + m] / d;
                }
            }
            covariance[i * d + i] += 0.5;
        }
        var form = CovarianceForm.For(CovarianceKind.Full);
        var precision = form.Prepare(covariance, d);
        var destination = new double[rows];
        form.LogGaussian(precision, mean, block, destination, new EmScratch(d, 1, rows));
        var constant = precision.HalfLogDetPrecision - d * 0.5 * Math.Log(2 * Math.PI);
        var worst = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var sq = 0.0;
            for (var j = 0; j < d; j++)
            {
                var y = precision.Factor[j * d] * (block.Column(0)[r] - mean[0]);
                for (var i = 1; i <= j; i++)
                {
                    y = Math.FusedMultiplyAdd(precision.Factor[j * d + i], block.Column(i)[r] - mean[i], y);
                }
                sq = Math.FusedMultiplyAdd(y, y, sq);
            }
            var expected = Math.FusedMultiplyAdd(sq, -0.5, constant);
            if (r < (rows & ~7))
            {
                Assert.Equal(expected, destination[r]);
            }
            worst = Math.Max(worst, Math.Abs(destination[r] - expected) / Math.Max(1, Math.Abs(expected)));
        }
        Assert.True(worst < 1e-13, $"largest relative difference {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ScatterMatchesOrderedReference(int d, int rows)
    {
        var (block, mean) = Data(d, rows, 31);
        var rng = new StreamKey(32, 0, 0, Purpose.Metric).Open();
        var resp = Enumerable.Range(0, rows).Select(_ => rng.NextDouble()).ToArray();
        foreach (var diagonal in new[] { false, true })
        {
            var destination = new double[diagonal ? d : d * d];
            WeightedScatter.Accumulate(block, resp, mean, diagonal, destination, new EmScratch(d, 1, rows));
            for (var a = 0; a < d; a++)
            {
                for (var b = diagonal ? a : 0; b <= a; b++)
                {
                    var (aa, bb) = (a, b);
                    var expected = OrderedDot(r => resp[r] * (block.Column(aa)[r] - mean[aa]), r => block.Column(bb)[r] - mean[bb], rows);
                    Assert.Equal(expected, destination[diagonal ? a : a * d + b]);
                }
            }
        }
    }
}
