using CollapseLab.Data;
using CollapseLab.Families.Gaussian;
using CollapseLab.Numerics;
using CollapseLab.Random;

namespace CollapseLab.Tests.Numerics;

/// <summary>The blocked, four-lane moment and sampling kernels against plain loops, at awkward sizes.</summary>
public class MomentsTests
{
    private static RowBatch Rows(int n, int d, ulong seed)
    {
        var rng = new RandomStream(seed);
        var values = new double[n * d];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = 3 * rng.NextDouble() + (i % d);
        }
        return new RowBatch(values, d);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(33, 5)]
    [InlineData(70, 16)]
    [InlineData(65, 21)]
    [InlineData(40, 37)]
    public void Mean_and_covariance_match_plain_two_pass_sums(int n, int d)
    {
        var x = Rows(n, d, (ulong)(n * 100 + d));
        var mean = Moments.Mean(x, 1);
        var cov = Moments.Covariance(x, mean, 0, 1);
        for (var j = 0; j < d; j++)
        {
            var m = 0.0;
            for (var i = 0; i < n; i++)
            {
                m += x.Row(i)[j];
            }
            Assert.Equal(m / n, mean[j], 1e-13);
        }
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b < d; b++)
            {
                var s = 0.0;
                for (var i = 0; i < n; i++)
                {
                    s += (x.Row(i)[a] - mean[a]) * (x.Row(i)[b] - mean[b]);
                }
                Assert.Equal(s / n, cov[a * d + b], 1e-12);
            }
        }
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(7, 4, 1)]
    [InlineData(33, 5, 0)]
    [InlineData(100, 9, 1)]
    [InlineData(1025, 6, 0)]
    public void Sets_side_by_side_give_each_set_the_bits_of_its_own_mean_and_covariance(int n, int sets, int ddof)
    {
        var x = Rows(n * sets, 1, (ulong)(n + sets));
        var mean = new double[sets];
        var variance = new double[sets];
        Moments.Scalar(x.Span, n, ddof, mean, variance);
        for (var s = 0; s < sets; s++)
        {
            var set = new RowBatch(x.Span.Slice(s * n, n).ToArray(), 1);
            var expected = Moments.Mean(set, 1);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[0]), BitConverter.DoubleToInt64Bits(mean[s]));
            var covariance = Moments.Covariance(set, expected, ddof, 1);
            Assert.Equal(BitConverter.DoubleToInt64Bits(covariance[0]), BitConverter.DoubleToInt64Bits(variance[s]));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(21)]
    public void Gaussian_samples_are_mean_plus_factor_times_the_stream_normals_to_the_bit(int d)
    {
        var x = Rows(3 * d, d, 9);
        var mean = Moments.Mean(x, 1);
        var model = new GaussianModel(mean, Moments.Covariance(x, mean, 0, 1));
        var key = new StreamKey(4, 1, 2, Purpose.Sample);
        var samples = (RowBatch)model.Sample(7, key, 1);
        var z = new double[7 * d];
        key.WithChunk(0).Open().FillNormal(z);
        var l = model.Factor.L;
        for (var r = 0; r < 7; r++)
        {
            for (var i = 0; i < d; i++)
            {
                var s = mean[i];
                for (var k = 0; k <= i; k++)
                {
                    s += l[i * d + k] * z[r * d + k];
                }
                Assert.Equal(s, samples.Row(r)[i]);
            }
        }
    }
}
