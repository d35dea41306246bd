using CollapseLab.Tensors;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Families.Diffusion;

/// <summary>
/// The denoiser for rows of any width D: the step's sinusoidal embedding (E) passes a time MLP E→H→H (SiLU);
/// h = SiLU(fc_in x + time), then <c>layers</c> − 1 blocks h = SiLU(fc_l h), and fc_out H→D gives ε.
/// </summary>
public sealed class MlpDenoiser : Denoiser
{
    private readonly int _layers;
    private readonly int _timeDim;

    public MlpDenoiser(int dim, int hidden, int layers, int timeDim, ulong seed)
    {
        Dim = dim;
        _layers = layers;
        _timeDim = timeDim;
        Settings = new Dictionary<string, int> { ["dim"] = dim, ["hidden"] = hidden, ["layers"] = layers, ["time_dim"] = timeDim };
        var layout = new List<(string, int[])>
        {
            ("time.fc1.weight", [hidden, timeDim]), ("time.fc1.bias", [hidden]),
            ("time.fc2.weight", [hidden, hidden]), ("time.fc2.bias", [hidden]),
            ("fc_in.weight", [hidden, dim]), ("fc_in.bias", [hidden]),
        };
        for (var l = 1; l < layers; l++)
        {
            layout.Add(($"fc{l}.weight", [hidden, hidden]));
            layout.Add(($"fc{l}.bias", [hidden]));
        }

        layout.Add(("fc_out.weight", [dim, hidden]));
        layout.Add(("fc_out.bias", [dim]));
        Parameters = new ParameterBlock(layout);
        var i = 0UL;
        foreach (var name in LayerNames())
        {
            Init.LinearDefault(Parameters[name + ".weight"], Parameters[name + ".bias"], seed + (++i * 0x9E3779B97F4A7C15UL));
        }
    }

    public override string Kind => "mlp";

    public override int Dim { get; }

    public override ParameterBlock Parameters { get; }

    public override IReadOnlyDictionary<string, int> Settings { get; }

    public override Tensor PredictNoise(Tensor x, ReadOnlySpan<float> t)
    {
        var p = Parameters;
        // temb is (B,H), or (1,H) broadcast over the batch when all rows share a step
        var emb = Ops.TimestepEmbedding(DistinctSteps(t), _timeDim);
        var temb = Ops.Linear(Ops.Silu(Ops.Linear(emb, p["time.fc1.weight"], p["time.fc1.bias"])), p["time.fc2.weight"], p["time.fc2.bias"]);
        // h is (B,H)
        var h = Ops.Silu(Ops.Add(Ops.Linear(x, p["fc_in.weight"], p["fc_in.bias"]), temb));
        for (var l = 1; l < _layers; l++)
        {
            h = Ops.Silu(Ops.Linear(h, p[$"fc{l}.weight"], p[$"fc{l}.bias"]));
        }

        return Ops.Linear(h, p["fc_out.weight"], p["fc_out.bias"]);
    }

    private IEnumerable<string> LayerNames()
    {
        yield return "time.fc1";
        yield return "time.fc2";
        yield return "fc_in";
        for (var l = 1; l < _layers; l++)
        {
            yield return $"fc{l}";
        }

        yield return "fc_out";
    }
}
