using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.Models;
using CollapseLab.Tensors.Tests.Support;
using CollapseLab.Tensors.Training;
using Xunit.Abstractions;

namespace CollapseLab.Tensors.Tests;

/// <summary>Forward values, gradients and short training runs against PyTorch reference fixtures.</summary>
public class TorchAgreementTests(ITestOutputHelper output)
{
    private const string OpsFile = "ops.safetensors";
    private const string ConvFile = "conv_ops.safetensors";
    private const double Tolerance = 1e-4;

    public static TheoryData<string> TorchOps()
    {
        var data = new TheoryData<string>();
        foreach (var name in OpCases.Forward.Keys.Concat(OpCases.ConvForward.Keys))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TorchOps))]
    public void Op_matches_pytorch(string op)
    {
        var conv = OpCases.ConvForward.TryGetValue(op, out var convForward);
        var file = conv ? ConvFile : OpsFile;
        var fixture = Fixtures.Load(file);
        var inputs = Enumerable.Range(0, 4).Where(i => fixture.ContainsKey($"{op}.in{i}"))
            .Select(i => Fixtures.Get(file, $"{op}.in{i}").WithGrad()).ToArray();
        using var tape = new Tape();
        var y = conv ? convForward!(inputs) : OpCases.Forward[op](inputs);
        var expected = fixture[$"{op}.out"];
        Assert.Equal(expected.Length, y.Length);
        Compare.Close(output, $"{op} forward", y.Data, expected.Data, Tolerance);
        var g = Fixtures.Get(file, $"{op}.g");
        tape.Backward(Ops.Sum(Ops.Mul(y, Ops.Reshape(g, y.ShapeArray))));
        for (var i = 0; i < inputs.Length; i++)
        {
            Compare.Close(output, $"{op} grad of input {i}", inputs[i].Grad, fixture[$"{op}.grad{i}"].Data, Tolerance);
        }
    }

    [Fact]
    public void Timestep_embedding_matches_pytorch()
    {
        var t = Fixtures.Get(ConvFile, "timestep_embedding.t").ToArray();
        var y = Ops.TimestepEmbedding(t, 8);
        Compare.Close(output, "timestep embedding", y.Data, Fixtures.Load(ConvFile)["timestep_embedding.out"].Data, Tolerance);
    }

    [Fact]
    public void Mlp_first_ten_adam_losses_match_pytorch()
    {
        const string file = "mlp_train.safetensors";
        var p = new ParameterBlock([("fc1.weight", [16, 8]), ("fc1.bias", [16]), ("fc2.weight", [4, 16]), ("fc2.bias", [4])]);
        foreach (var s in p.Slices)
        {
            Fixtures.Load(file)[s.Name].Data.CopyTo(s.Tensor.Data);
        }

        var x = Fixtures.Get(file, "x");
        var y = Fixtures.Ints(file, "y");
        var adam = new Adam(p, 1e-2f);
        var losses = new float[10];
        for (var step = 0; step < 10; step++)
        {
            p.ZeroGrad();
            using var tape = new Tape();
            var h = Ops.Relu(Ops.Linear(x, p["fc1.weight"], p["fc1.bias"]));
            var loss = Ops.CrossEntropy(Ops.Linear(h, p["fc2.weight"], p["fc2.bias"]), y);
            tape.Backward(loss);
            adam.Step();
            losses[step] = loss.Item();
        }

        output.WriteLine(string.Join(" ", losses));
        Compare.Close(output, "MLP losses", losses, Fixtures.Load(file)["losses"].Data, Tolerance);
        Assert.True(losses[9] < losses[0]);
    }

    [Fact]
    public void Transformer_first_ten_adamw_losses_match_pytorch()
    {
        const string file = "gpt_train.safetensors";
        var model = new TransformerLm(new TransformerConfig(Vocab: 11, Layers: 2, Heads: 2, Channels: 16, Context: 8), seed: 0);
        foreach (var s in model.Parameters.Slices)
        {
            Fixtures.Load(file)[s.Name].Data.CopyTo(s.Tensor.Data);
        }

        var tokens = Fixtures.Ints(file, "tokens");
        var opt = Adam.W(model.Parameters, 3e-3f, 0.9f, 0.99f, weightDecay: 0.1f);
        var losses = new float[10];
        const int B = 4, T = 8;
        for (var step = 0; step < 10; step++)
        {
            var idx = new int[B * T];
            var targets = new int[B * T];
            for (var b = 0; b < B; b++)
            {
                var row = tokens.AsSpan(((step * B) + b) * (T + 1), T + 1);
                row[..T].CopyTo(idx.AsSpan(b * T));
                row[1..].CopyTo(targets.AsSpan(b * T));
            }

            losses[step] = model.TrainStep(opt, idx, targets, B, T, clip: 1f);
        }

        output.WriteLine(string.Join(" ", losses));
        Compare.Close(output, "transformer losses", losses, Fixtures.Load(file)["losses"].Data, Tolerance);
    }
}
