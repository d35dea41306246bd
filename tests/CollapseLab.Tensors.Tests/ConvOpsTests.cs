using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Kernels;
using CollapseLab.Tensors.Tests.Support;

namespace CollapseLab.Tensors.Tests;

/// <summary>The convolution-network ops beyond values and gradients: thread-count determinism, shapes and bad input.</summary>
public class ConvOpsTests
{
    [Theory]
    [InlineData(GemmKind.Managed)]
    [InlineData(GemmKind.Auto)]
    public void Conv_block_forward_and_backward_are_bit_identical_for_one_and_two_threads(GemmKind kind)
    {
        float[] Run(int threads)
        {
            using var compute = new Compute(kind, threads).Enter();
            // big enough that im2col, col2im and group norm split their work across threads
            var x = Rand.Normal(1, 8, 8, 16, 16).WithGrad();
            var w = Rand.Normal(2, 16, 8, 3, 3).WithGrad();
            var b = Rand.Normal(3, 16).WithGrad();
            var gw = Rand.Normal(4, 16).WithGrad();
            var gb = Rand.Normal(5, 16).WithGrad();
            using var tape = new Tape();
            var h = Ops.Silu(Ops.GroupNorm(Ops.Conv2d(x, w, b, stride: 2, padding: 1), 4, gw, gb));
            var y = Ops.UpsampleNearest(h);
            tape.Backward(Ops.Sum(Ops.Mul(y, y)));
            return [.. y.Data, .. x.Grad, .. w.Grad, .. b.Grad, .. gw.Grad, .. gb.Grad];
        }

        Assert.Equal(Run(1), Run(2));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(3 * 4096 + 13)]
    [InlineData(64 * 32 * 784)]
    public void Silu_gradient_in_chunks_matches_one_pass_over_the_array_for_one_and_two_threads(int length)
    {
        var x = Rand.Normal(7, length);
        var g = Rand.Normal(8, length).ToArray();
        // the rule evaluated over the whole array at once
        var sigma = new float[length];
        var factor = new float[length];
        System.Numerics.Tensors.TensorPrimitives.Sigmoid(x.Data, sigma);
        System.Numerics.Tensors.TensorPrimitives.Subtract(1f, sigma, factor);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x.Data, factor, 1f, factor);
        System.Numerics.Tensors.TensorPrimitives.Multiply(factor, sigma, factor);
        var expected = new float[length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(g, factor, expected);
        foreach (var threads in new[] { 1, 2 })
        {
            using var compute = new Compute(GemmKind.Managed, threads).Enter();
            var xt = Tensor.FromArray(x.ToArray(), length).WithGrad();
            using var tape = new Tape();
            tape.Backward(Ops.Sum(Ops.Mul(Ops.Silu(xt), Tensor.FromArray(g, length))));
            Assert.Equal(expected, xt.Grad.ToArray());
        }
    }

    [Fact]
    public void Conv2d_output_shape_follows_stride_and_padding()
    {
        var y = Ops.Conv2d(Tensor.Zeros(2, 3, 28, 28), Tensor.Zeros(5, 3, 3, 3), null, stride: 2, padding: 1);
        Assert.Equal([2, 5, 14, 14], y.Shape.ToArray());
        Assert.Equal([2, 5, 28, 28], Ops.UpsampleNearest(y).Shape.ToArray());
    }

    [Fact]
    public void Bad_shapes_are_refused_with_the_shapes_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.Conv2d(Tensor.Zeros(1, 3, 5, 5), Tensor.Zeros(2, 4, 3, 3), null));
        Assert.Contains("3 channels", e.Message);
        Assert.Throws<ArgumentException>(() => Ops.Conv2d(Tensor.Zeros(1, 1, 2, 2), Tensor.Zeros(1, 1, 3, 3), null));
        var g = Assert.Throws<ArgumentException>(() => Ops.GroupNorm(Tensor.Zeros(1, 6, 2, 2), 4, Tensor.Zeros(6), Tensor.Zeros(6)));
        Assert.Contains("6 channels", g.Message);
        Assert.Throws<ArgumentException>(() => Ops.TimestepEmbedding([1f], 7));
    }

    [Fact]
    public void Group_norm_of_a_constant_group_is_the_bias_not_nan()
    {
        var x = Tensor.Zeros(1, 2, 3);
        x.Data.Fill(4f);
        var y = Ops.GroupNorm(x, 1, Tensor.FromArray([1f, 1f], 2), Tensor.FromArray([0.5f, -1f], 2));
        Assert.Equal([0.5f, 0.5f, 0.5f, -1f, -1f, -1f], y.ToArray());
    }
}
