using CollapseLab.Tensors.Autodiff;

namespace CollapseLab.Tensors.Tests;

public class TapeTests
{
    [Fact]
    public void A_tensor_used_twice_accumulates_both_gradients()
    {
        var x = Tensor.FromArray([3f], 1).WithGrad();
        using var tape = new Tape();
        tape.Backward(Ops.Sum(Ops.Mul(x, x)));
        Assert.Equal(6f, x.Grad[0]);
    }

    [Fact]
    public void NoGrad_records_nothing()
    {
        var x = Tensor.FromArray([1f, 2f], 2).WithGrad();
        using var tape = new Tape();
        Tensor y;
        using (Tape.NoGrad())
        {
            y = Ops.Exp(x);
        }

        Assert.Equal(0, tape.Count);
        Assert.False(y.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => tape.Backward(Ops.Sum(y)));
    }

    [Fact]
    public void Branches_the_loss_does_not_use_are_skipped()
    {
        var x = Tensor.FromArray([1f], 1).WithGrad();
        var unused = Tensor.FromArray([1f], 1).WithGrad();
        using var tape = new Tape();
        _ = Ops.Exp(unused);
        tape.Backward(Ops.Sum(Ops.Scale(x, 2f)));
        Assert.Equal(2f, x.Grad[0]);
        Assert.False(unused.HasGrad);
    }

    [Fact]
    public void A_deep_chain_does_not_recurse()
    {
        var x = Tensor.FromArray([1f], 1).WithGrad();
        using var tape = new Tape();
        var y = x;
        for (var i = 0; i < 100_000; i++)
        {
            y = Ops.AddScalar(y, 0f);
        }

        tape.Backward(Ops.Sum(y));
        Assert.Equal(1f, x.Grad[0]);
    }

    [Fact]
    public void Recycling_tapes_give_the_same_gradients()
    {
        float Grad(bool recycle)
        {
            var x = Tensor.FromArray([0.5f, -1f, 2f], 3).WithGrad();
            using var tape = new Tape(recycle);
            tape.Backward(Ops.Sum(Ops.Tanh(Ops.Mul(x, x))));
            return x.Grad[2];
        }

        var expected = Grad(false);
        Assert.Equal(expected, Grad(true));
        Assert.Equal(expected, Grad(true));
    }

    [Fact]
    public void A_leaf_keeps_its_gradient_after_a_recycling_tape_is_disposed()
    {
        var x = Tensor.FromArray([1f, 2f], 2).WithGrad();
        using (var tape = new Tape(recycleBuffers: true))
        {
            tape.Backward(Ops.Sum(Ops.Scale(x, 3f)));
        }

        // the next tape must not be handed x's gradient as scratch space
        using (var tape = new Tape(recycleBuffers: true))
        {
            var y = Ops.Scale(Tensor.FromArray([5f, 5f], 2), 2f);
            Assert.Equal([10f, 10f], y.ToArray());
        }

        Assert.Equal([3f, 3f], x.Grad.ToArray());
    }

    [Fact]
    public void An_inference_scope_records_nothing_and_reuses_its_storage_in_the_next_scope()
    {
        var x = Tensor.FromArray([0.5f, -1f, 2f], 3).WithGrad();
        using var tape = new Tape();
        float[] expected;
        using (Tape.NoGrad())
        {
            expected = Ops.Exp(x).ToArray();
        }

        float[] first;
        using (Tape.Inference())
        {
            var y = Ops.Exp(x);
            Assert.False(y.RequiresGrad);
            Assert.Equal(expected, y.ToArray());
            first = y.Storage;
        }

        using (Tape.Inference())
        {
            var y = Ops.Exp(x);
            Assert.Same(first, y.Storage);
            Assert.Equal(expected, y.ToArray());
        }

        // the enclosing tape records again once the scopes are closed
        Assert.Equal(0, tape.Count);
        Assert.True(Ops.Exp(x).RequiresGrad);
    }

    [Fact]
    public void Backward_needs_a_scalar_loss()
    {
        var x = Tensor.FromArray([1f, 2f], 2).WithGrad();
        using var tape = new Tape();
        var e = Assert.Throws<ArgumentException>(() => tape.Backward(Ops.Exp(x)));
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
    }
}
