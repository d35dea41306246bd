using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Tests.Support;

/// <summary>
/// Every op under test, named as in Fixtures/make_fixtures.py, with the inputs used for finite-difference checks.
/// Inputs avoid kinks (ReLU at 0, ties in max) by more than the finite-difference step.
/// </summary>
internal static class OpCases
{
    private static readonly int[] EmbeddingIds = [0, 3, 6, 3, 3, 1];
    private static readonly int[] CeTargets = [0, 4, 2, 2, 1, 3];

    public static readonly Dictionary<string, Func<Tensor[], Tensor>> Forward = new()
    {
        ["matmul"] = x => Ops.MatMul(x[0], x[1]),
        ["matmul_tb"] = x => Ops.MatMul(x[0], x[1], transB: true),
        ["matmul_ta"] = x => Ops.MatMul(x[0], x[1], transA: true),
        ["bmm"] = x => Ops.MatMul(x[0], x[1]),
        ["linear"] = x => Ops.Linear(x[0], x[1], x[2]),
        ["add"] = x => Ops.Add(x[0], x[1]),
        ["sub"] = x => Ops.Sub(x[0], x[1]),
        ["mul"] = x => Ops.Mul(x[0], x[1]),
        ["div"] = x => Ops.Div(x[0], x[1]),
        ["sum_axis"] = x => Ops.Sum(x[0], 1),
        ["mean_axis"] = x => Ops.Mean(x[0], -1),
        ["max_axis"] = x => Ops.Max(x[0], 0),
        ["exp"] = x => Ops.Exp(x[0]),
        ["log"] = x => Ops.Log(x[0]),
        ["tanh"] = x => Ops.Tanh(x[0]),
        ["sigmoid"] = x => Ops.Sigmoid(x[0]),
        ["relu"] = x => Ops.Relu(x[0]),
        ["gelu_erf"] = x => Ops.Gelu(x[0]),
        ["gelu_tanh"] = x => Ops.Gelu(x[0], GeluApproximation.Tanh),
        ["softmax"] = x => Ops.Softmax(x[0]),
        ["log_softmax"] = x => Ops.LogSoftmax(x[0]),
        ["cross_entropy"] = x => Ops.CrossEntropy(x[0], CeTargets),
        ["bce_logits"] = x => Ops.BceWithLogits(x[0], x[1]),
        ["layer_norm"] = x => Ops.LayerNorm(x[0], x[1], x[2]),
        ["embedding"] = x => Ops.Embedding(x[0], EmbeddingIds, 2, 3),
        ["attention"] = x => Ops.CausalSelfAttention(x[0], 2),
        ["concat"] = x => Ops.Concat([x[0], x[1]], 1),
        ["slice"] = x => Ops.Slice(x[0], 1, 1, 3),
        ["transpose"] = x => Ops.Transpose(x[0], 1, 2),
    };

    /// <summary>The convolution-network ops, named as in Fixtures/make_fixtures.py's conv_fixtures (conv_ops.safetensors).</summary>
    public static readonly Dictionary<string, Func<Tensor[], Tensor>> ConvForward = new()
    {
        ["conv2d"] = x => Ops.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1),
        ["conv2d_same"] = x => Ops.Conv2d(x[0], x[1], x[2], padding: 1),
        ["conv2d_1x1"] = x => Ops.Conv2d(x[0], x[1], null),
        ["upsample"] = x => Ops.UpsampleNearest(x[0]),
        ["group_norm"] = x => Ops.GroupNorm(x[0], 3, x[1], x[2]),
        ["silu"] = x => Ops.Silu(x[0]),
    };

    /// <summary>Ops checked only against finite differences (no PyTorch counterpart in the fixtures).</summary>
    public static readonly Dictionary<string, Func<Tensor[], Tensor>> ExtraForward = new()
    {
        ["reshape"] = x => Ops.Reshape(x[0], 4, -1),
        ["scale"] = x => Ops.Scale(x[0], -2.5f),
        ["add_scalar"] = x => Ops.AddScalar(x[0], 3f),
        ["sum_all"] = x => Ops.Sum(x[0]),
        ["mean_all"] = x => Ops.Mean(x[0]),
        ["dropout"] = x => Ops.Dropout(x[0], 0.3f, 42),
        ["slice_axis0"] = x => Ops.Slice(x[0], 0, 1, 2),
        ["bmm_shared_tb"] = x => Ops.MatMul(x[0], x[1], transB: true),
        ["bmm_batched_ta"] = x => Ops.MatMul(x[0], x[1], transA: true),
        ["bmm_shared_ta"] = x => Ops.MatMul(x[0], x[1], transA: true),
        ["bce_sum_targets"] = x => Ops.BceWithLogits(x[0], x[1], Reduction.Sum),
        ["mean_axis0_keepdim"] = x => Ops.Mean(x[0], 0, keepDim: true),
        ["conv2d_stride3_pad2"] = x => Ops.Conv2d(x[0], x[1], x[2], stride: 3, padding: 2),
        ["upsample_3"] = x => Ops.UpsampleNearest(x[0], 3),
        ["group_norm_rows"] = x => Ops.GroupNorm(x[0], 2, x[1], x[2]),
    };

    public static Tensor[] GradCheckInputs(string op) => op switch
    {
        "matmul" => [N(1, 3, 5), N(2, 5, 4)],
        "matmul_tb" => [N(1, 3, 5), N(2, 4, 5)],
        "matmul_ta" => [N(1, 5, 3), N(2, 5, 4)],
        "bmm" => [N(1, 2, 3, 5), N(2, 2, 5, 4)],
        "linear" => [N(1, 2, 3, 5), N(2, 4, 5), N(3, 4)],
        "add" => [N(1, 2, 3, 4), N(2, 3, 1)],
        "sub" => [N(1, 3, 1), N(2, 1, 4)],
        "mul" => [N(1, 2, 3, 4), N(2, 4)],
        "div" => [N(1, 2, 3), Rand.AwayFromZero(2, 0.5f, 2, 1)],
        "sum_axis" or "mean_axis" => [N(1, 2, 3, 4)],
        "max_axis" => [Spread(3, 4)],
        "log" => [Positive(3, 7)],
        "relu" => [Rand.AwayFromZero(1, 0.05f, 3, 7)],
        "exp" or "tanh" or "sigmoid" or "gelu_erf" or "gelu_tanh" or "softmax" or "log_softmax" => [N(1, 3, 7)],
        "cross_entropy" => [N(1, 6, 5)],
        "bce_logits" => [N(1, 3, 4), Uniform01(3, 4)],
        "layer_norm" => [N(1, 2, 3, 8), N(2, 8), N(3, 8)],
        "embedding" => [N(1, 7, 4)],
        "attention" => [N(1, 2, 5, 12)],
        "concat" => [N(1, 2, 3), N(2, 2, 2)],
        "slice" => [N(1, 3, 5)],
        "transpose" => [N(1, 2, 3, 4)],
        "reshape" or "scale" or "add_scalar" or "sum_all" or "mean_all" or "dropout" => [N(1, 2, 3, 2)],
        "slice_axis0" => [N(1, 4, 3)],
        "bmm_shared_tb" => [N(1, 2, 3, 5), N(2, 4, 5)],
        "bmm_batched_ta" => [N(1, 2, 5, 3), N(2, 2, 5, 4)],
        "bmm_shared_ta" => [N(1, 2, 5, 3), N(2, 5, 4)],
        "bce_sum_targets" => [N(1, 3, 4), Uniform01(3, 4)],
        "mean_axis0_keepdim" => [N(1, 3, 4)],
        "conv2d" => [N(1, 2, 3, 7, 6), N(2, 4, 3, 3, 3), N(3, 4)],
        "conv2d_same" => [N(1, 2, 2, 5, 5), N(2, 3, 2, 3, 3), N(3, 3)],
        "conv2d_1x1" => [N(1, 1, 4, 3, 3), N(2, 2, 4, 1, 1)],
        "conv2d_stride3_pad2" => [N(1, 2, 2, 6, 5), N(2, 3, 2, 4, 3), N(3, 3)],
        "upsample" => [N(1, 2, 3, 3, 4)],
        "upsample_3" => [N(1, 1, 2, 2, 3)],
        "group_norm" => [N(1, 2, 6, 4, 3), N(2, 6), N(3, 6)],
        "group_norm_rows" => [N(1, 3, 4), N(2, 4), N(3, 4)],
        "silu" => [N(1, 3, 7)],
        _ => throw new ArgumentException(op),
    };

    private static Tensor N(ulong seed, params int[] shape) => Rand.Normal(seed, shape);

    private static Tensor Positive(params int[] shape)
    {
        var t = Rand.Normal(5, shape);
        var d = t.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = MathF.Abs(d[i]) + 0.5f;
        }

        return t;
    }

    private static Tensor Uniform01(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        Training.Init.Uniform(t, 0f, 1f, 9);
        return t;
    }

    /// <summary>Distinct values, at least 0.1 apart, in a shuffled order.</summary>
    private static Tensor Spread(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var d = t.Data;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = ((i * 7) % d.Length * 0.1f) - 0.5f;
        }

        return t;
    }
}
