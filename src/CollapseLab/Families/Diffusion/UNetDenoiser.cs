using CollapseLab.Tensors;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Families.Diffusion;

/// <summary>
/// A small U-Net for square one-channel images of side S divisible by 4 (28 for Fashion-MNIST), C base channels:
/// conv_in 1→C; at S: res(C); down (stride-2 conv) C→2C; at S/2: res(2C); down 2C→2C; at S/4: res(2C);
/// up (nearest ×2, conv) 2C→2C, concat the S/2 skip, conv 4C→2C, res(2C); up 2C→C, concat the S skip, conv 2C→C,
/// res(C); GroupNorm, SiLU, conv_out C→1. Each res block is x + conv(SiLU(GN(conv(SiLU(GN(x))) + time))), the
/// time term a per-channel shift from the step's embedding (E → 2C → SiLU → per block). Group norms use
/// min(8, channels) groups. Convolutions are 3×3 with padding 1.
/// </summary>
public sealed class UNetDenoiser : Denoiser
{
    private static readonly (string Name, int Scale)[] Blocks = [("res0", 1), ("res1", 2), ("res_mid", 2), ("res_up1", 2), ("res_up0", 1)];

    private readonly int _side;
    private readonly int _timeDim;

    public UNetDenoiser(int side, int channels, int timeDim, ulong seed)
    {
        if (side % 4 != 0 || side < 4)
        {
            throw new ArgumentException($"the U-Net needs a square image side divisible by 4, got {side}");
        }

        (_side, _timeDim) = (side, timeDim);
        Settings = new Dictionary<string, int> { ["side"] = side, ["channels"] = channels, ["time_dim"] = timeDim };
        var c = channels;
        var layout = new List<(string, int[])>
        {
            ("time.fc1.weight", [2 * c, timeDim]), ("time.fc1.bias", [2 * c]),
            ("conv_in.weight", [c, 1, 3, 3]), ("conv_in.bias", [c]),
            ("down0.weight", [2 * c, c, 3, 3]), ("down0.bias", [2 * c]),
            ("down1.weight", [2 * c, 2 * c, 3, 3]), ("down1.bias", [2 * c]),
            ("up1.weight", [2 * c, 2 * c, 3, 3]), ("up1.bias", [2 * c]),
            ("merge1.weight", [2 * c, 4 * c, 3, 3]), ("merge1.bias", [2 * c]),
            ("up0.weight", [c, 2 * c, 3, 3]), ("up0.bias", [c]),
            ("merge0.weight", [c, 2 * c, 3, 3]), ("merge0.bias", [c]),
            ("norm_out.weight", [c]), ("norm_out.bias", [c]),
            ("conv_out.weight", [1, c, 3, 3]), ("conv_out.bias", [1]),
        };
        foreach (var (name, scale) in Blocks)
        {
            var ch = scale * c;
            layout.AddRange([
                ($"{name}.norm1.weight", [ch]), ($"{name}.norm1.bias", [ch]),
                ($"{name}.conv1.weight", [ch, ch, 3, 3]), ($"{name}.conv1.bias", [ch]),
                ($"{name}.time.weight", [ch, 2 * c]), ($"{name}.time.bias", [ch]),
                ($"{name}.norm2.weight", [ch]), ($"{name}.norm2.bias", [ch]),
                ($"{name}.conv2.weight", [ch, ch, 3, 3]), ($"{name}.conv2.bias", [ch]),
            ]);
        }

        Parameters = new ParameterBlock(layout);
        var i = 0UL;
        foreach (var s in Parameters.Slices)
        {
            if (s.Name.EndsWith(".weight", StringComparison.Ordinal) && s.Tensor.Rank >= 2)
            {
                var stem = s.Name[..^".weight".Length];
                Init.LinearDefault(s.Tensor, Parameters[stem + ".bias"], seed + (++i * 0x9E3779B97F4A7C15UL));
            }
            else if (s.Name.Contains("norm", StringComparison.Ordinal) && s.Name.EndsWith(".weight", StringComparison.Ordinal))
            {
                Init.Constant(s.Tensor, 1f);
            }
        }

        // The last convolution of each block and the output start at zero, so every block starts as the identity.
        foreach (var (name, _) in Blocks)
        {
            Init.Constant(Parameters[$"{name}.conv2.weight"], 0f);
        }
    }

    public override string Kind => "unet";

    public override int Dim => _side * _side;

    public override ParameterBlock Parameters { get; }

    public override IReadOnlyDictionary<string, int> Settings { get; }

    public override Tensor PredictNoise(Tensor x, ReadOnlySpan<float> t)
    {
        var p = Parameters;
        var b = x.Dim(0);
        // temb is (B,2C), or (1,2C) broadcast over the batch when all images share a step
        var temb = Ops.Silu(Ops.Linear(Ops.TimestepEmbedding(DistinctSteps(t), _timeDim), p["time.fc1.weight"], p["time.fc1.bias"]));
        // h0 is (B,C,S,S)
        var h0 = Res("res0", Conv(Ops.Reshape(x, b, 1, _side, _side), "conv_in"), temb);
        // h1 is (B,2C,S/2,S/2)
        var h1 = Res("res1", Conv(h0, "down0", stride: 2), temb);
        // mid is (B,2C,S/4,S/4)
        var mid = Res("res_mid", Conv(h1, "down1", stride: 2), temb);
        var u1 = Conv(Ops.UpsampleNearest(mid), "up1");
        u1 = Res("res_up1", Conv(Ops.Concat([u1, h1], 1), "merge1"), temb);
        var u0 = Conv(Ops.UpsampleNearest(u1), "up0");
        u0 = Res("res_up0", Conv(Ops.Concat([u0, h0], 1), "merge0"), temb);
        var output = Conv(Ops.Silu(Norm(u0, "norm_out")), "conv_out");
        return Ops.Reshape(output, b, Dim);
    }

    private Tensor Conv(Tensor x, string name, int stride = 1) =>
        Ops.Conv2d(x, Parameters[name + ".weight"], Parameters[name + ".bias"], stride, padding: 1);

    private Tensor Norm(Tensor x, string name) =>
        Ops.GroupNorm(x, Math.Min(8, x.Dim(1)), Parameters[name + ".weight"], Parameters[name + ".bias"]);

    // x + conv2(SiLU(GN(conv1(SiLU(GN(x))) + time)))
    private Tensor Res(string name, Tensor x, Tensor temb)
    {
        var ch = x.Dim(1);
        var h = Conv(Ops.Silu(Norm(x, name + ".norm1")), name + ".conv1");
        var shift = Ops.Reshape(Ops.Linear(temb, Parameters[name + ".time.weight"], Parameters[name + ".time.bias"]), temb.Dim(0), ch, 1, 1);
        h = Conv(Ops.Silu(Norm(Ops.Add(h, shift), name + ".norm2")), name + ".conv2");
        return Ops.Add(x, h);
    }
}
