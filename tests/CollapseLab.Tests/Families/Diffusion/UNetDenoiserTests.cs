using CollapseLab.Families.Diffusion;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Tests.Families.Diffusion;

public class UNetDenoiserTests
{
    [Fact]
    public void Predicts_one_value_per_pixel_and_every_parameter_gets_a_gradient_after_a_step()
    {
        var net = new UNetDenoiser(8, 8, 16, seed: 3);
        var x = Tensor.Zeros(2, 64);
        Init.Normal(x, 1f, 5);
        var eps = Tensor.Zeros(2, 64);
        Init.Normal(eps, 1f, 6);
        var optimizer = Adam.W(net.Parameters, 1e-2f);
        // The blocks' last convolutions start at zero (each block the identity), so gradients reach the layers
        // before them only after the first step has moved those weights.
        for (var step = 0; step < 2; step++)
        {
            net.Parameters.ZeroGrad();
            using var tape = new Tape();
            var loss = DiffusionModel.NoiseLoss(net, NoiseSchedule.Create("cosine", 10), x.ToArray(), 2, [3, 7], eps);
            tape.Backward(loss);
            Assert.True(float.IsFinite(loss.Item()));
            if (step == 0)
            {
                optimizer.Step();
            }
        }

        Assert.Equal([2, 64], net.PredictNoise(x, [1f, 2f]).Shape.ToArray());
        foreach (var slice in net.Parameters.Slices)
        {
            Assert.True(slice.Tensor.Grad.ToArray().Any(g => g != 0), $"{slice.Name} got no gradient");
        }
    }

    [Fact]
    public void Refuses_a_side_not_divisible_by_four() =>
        Assert.Throws<ArgumentException>(() => new UNetDenoiser(10, 8, 16, seed: 1));
}
