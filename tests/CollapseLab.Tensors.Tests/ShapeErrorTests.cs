namespace CollapseLab.Tensors.Tests;

/// <summary>Shape mismatches name the op and both shapes.</summary>
public class ShapeErrorTests
{
    public static TheoryData<string, string, string, string> Cases() => new()
    {
        { "add", "add", "(2,3)", "(4,)" },
        { "sub", "sub", "(2,3)", "(4,)" },
        { "mul", "mul", "(2,3)", "(4,)" },
        { "div", "div", "(2,3)", "(4,)" },
        { "matmul", "matmul", "(2,3)", "(4,5)" },
        { "linear", "linear", "(2,3)", "(4,5)" },
        { "bce", "bce_with_logits", "(2,3)", "(4,)" },
        { "concat", "concat", "(2,3)", "(4,5)" },
        { "layer_norm", "layer_norm", "(2,3)", "(4,)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mismatch_names_op_and_both_shapes(string which, string op, string first, string second)
    {
        var a = Tensor.Zeros(2, 3);
        var v = Tensor.Zeros(4);
        var m = Tensor.Zeros(4, 5);
        Action call = which switch
        {
            "add" => () => Ops.Add(a, v),
            "sub" => () => Ops.Sub(a, v),
            "mul" => () => Ops.Mul(a, v),
            "div" => () => Ops.Div(a, v),
            "matmul" => () => Ops.MatMul(a, m),
            "linear" => () => Ops.Linear(a, m, null),
            "bce" => () => Ops.BceWithLogits(a, v),
            "concat" => () => Ops.Concat([a, m], 0),
            _ => () => Ops.LayerNorm(a, v, v),
        };
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Contains(op, e.Message, StringComparison.Ordinal);
        Assert.Contains(first, e.Message, StringComparison.Ordinal);
        Assert.Contains(second, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reshape_to_a_different_count_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.Reshape(Tensor.Zeros(2, 3), 4, 2));
        Assert.Contains("(2,3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(4,2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_ids_and_targets_are_reported()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(Tensor.Zeros(3, 2), [0, 3], 2));
        Assert.Contains("id 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.CrossEntropy(Tensor.Zeros(2, 3), [0, -1]));
        Assert.Contains("target -1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_above_four_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 1, 1, 1));
        Assert.Contains("rank 5", e.Message, StringComparison.Ordinal);
    }
}
