using System.Globalization;
using CollapseLab.Data;
using CollapseLab.Families.Neural;
using CollapseLab.Random;
using CollapseLab.Tensors;
using CollapseLab.Tensors.Autodiff;
using CollapseLab.Tensors.IO;
using CollapseLab.Tensors.Training;

namespace CollapseLab.Families.Diffusion;

/// <summary>
/// A fitted DDPM: the denoiser, its schedule, how it samples, and the affine map between data and the standardised
/// values it works on (x_std = (x − shift)/scale: per-coordinate mean and standard deviation of the training rows,
/// or 2x − 1 for images, whose samples are clipped back to [0, 1]). Never changed after fitting.
/// </summary>
public sealed class DiffusionModel : ITrajectoryVariance
{
    /// <summary>Items per random-stream chunk; fixed so the bits never depend on the thread count.</summary>
    public const int SampleChunk = 1024;

    private readonly Compute _compute;

    public DiffusionModel(Denoiser network, NoiseSchedule schedule, SamplerSettings sampler, bool image, double[] shift, double[] scale,
        int trajectorySteps, TrainingReport report, Compute compute)
    {
        Network = network;
        Schedule = schedule;
        Sampler = sampler;
        Image = image;
        Shift = shift;
        Scale = scale;
        DefaultTrajectorySteps = trajectorySteps;
        Report = report;
        _compute = compute;
        Degeneracy = network.Parameters.Data.Any(w => !float.IsFinite(w)) ? "weights are not finite (training diverged)"
            : scale.All(s => s == 0) ? "every training row is the same (zero variance); samples are that row" : null;
    }

    internal Denoiser Network { get; }

    public NoiseSchedule Schedule { get; }

    public SamplerSettings Sampler { get; }

    /// <summary>Pixels in [0, 1] rather than free rows.</summary>
    public bool Image { get; }

    public double[] Shift { get; }

    public double[] Scale { get; }

    public TrainingReport Report { get; }

    public int DefaultTrajectorySteps { get; }

    public int SamplerSteps => Sampler.Timesteps(Schedule.Steps).Length;

    public string? Degeneracy { get; }

    public DataBatch Sample(int count, StreamKey stream, int threads)
    {
        using var compute = _compute.WithThreads(threads).Enter();
        var d = Network.Dim;
        var values = new double[count * d];
        var process = new ReverseProcess(Network, Schedule, Sampler, Image);
        var steps = Sampler.Timesteps(Schedule.Steps);
        for (var c = 0; c * SampleChunk < count; c++)
        {
            var n = Math.Min(SampleChunk, count - (c * SampleChunk));
            var rng = stream.WithChunk(c).Open();
            var x = Tensor.Zeros(n, d);
            Init.Normal(x, (float)Sampler.Lambda, rng.NextUInt64());
            var xs = x.ToArray();
            process.Run(xs, n, steps, rng, null);
            ToData(xs, values.AsSpan(c * SampleChunk * d, n * d));
        }

        return new RowBatch(values, d);
    }

    public double[] TrajectoryVariance(DataBatch items, int steps, StreamKey stream, int threads)
    {
        if (steps < 1 || steps > SamplerSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), $"the trajectory takes 1 to {SamplerSteps} steps, not {steps}");
        }

        using var compute = _compute.WithThreads(threads).Enter();
        var rows = (RowBatch)items;
        var d = Network.Dim;
        var result = new double[rows.Count];
        var process = new ReverseProcess(Network, Schedule, Sampler, Image);
        for (var c = 0; c * SampleChunk < rows.Count; c++)
        {
            var n = Math.Min(SampleChunk, rows.Count - (c * SampleChunk));
            var x0 = FromData(rows.Span.Slice(c * SampleChunk * d, n * d));
            process.TrajectoryVariance(x0, n, steps, stream.WithChunk(c).Open()).CopyTo(result, c * SampleChunk);
        }

        return result;
    }

    /// <summary>Mean ‖ε − ε_θ(x_t, t)‖²/D on standardised rows at the given steps and noise: the training loss.</summary>
    public static Tensor NoiseLoss(Denoiser network, NoiseSchedule schedule, float[] x0, int n, ReadOnlySpan<int> t, Tensor eps)
    {
        var d = network.Dim;
        var xt = Tensor.Zeros(n, d);
        var xs = xt.Data;
        var es = eps.Data;
        var times = new float[n];
        for (var i = 0; i < n; i++)
        {
            var bar = schedule.AlphaBar[t[i]];
            var (sb, sn) = ((float)Math.Sqrt(bar), (float)Math.Sqrt(1 - bar));
            times[i] = t[i];
            for (var j = i * d; j < (i + 1) * d; j++)
            {
                xs[j] = (sb * x0[j]) + (sn * es[j]);
            }
        }

        var diff = Ops.Sub(network.PredictNoise(xt, times), eps);
        return Ops.Mean(Ops.Mul(diff, diff));
    }

    /// <summary>Standardised floats for data rows.</summary>
    internal float[] FromData(ReadOnlySpan<double> rows) => Standardise(rows, Shift, Scale);

    /// <summary>(x − shift)/scale per coordinate; 0 where the scale is 0.</summary>
    internal static float[] Standardise(ReadOnlySpan<double> rows, double[] shift, double[] scale)
    {
        var d = shift.Length;
        var x = new float[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            var s = scale[j % d];
            x[j] = s == 0 ? 0f : (float)((rows[j] - shift[j % d]) / s);
        }

        return x;
    }

    private void ToData(float[] x, Span<double> target)
    {
        var d = Shift.Length;
        for (var j = 0; j < x.Length; j++)
        {
            var v = Shift[j % d] + (Scale[j % d] * x[j]);
            target[j] = Image ? Math.Clamp(v, 0, 1) : v;
        }
    }

    public void Save(string path)
    {
        var inv = CultureInfo.InvariantCulture;
        var meta = new Dictionary<string, string>
        {
            ["family"] = "diffusion",
            ["denoiser"] = Network.Kind,
            ["schedule"] = Schedule.Kind,
            ["T"] = Schedule.Steps.ToString(inv),
            ["sampler"] = Sampler.Kind,
            ["sampling_steps"] = Sampler.Steps.ToString(inv),
            ["lambda"] = Sampler.Lambda.ToString("R", inv),
            ["image"] = Image ? "true" : "false",
            ["shift"] = string.Join(",", Shift.Select(v => v.ToString("R", inv))),
            ["scale"] = string.Join(",", Scale.Select(v => v.ToString("R", inv))),
            ["trajectory_steps"] = DefaultTrajectorySteps.ToString(inv),
        };
        foreach (var (key, value) in Network.Settings)
        {
            meta["net." + key] = value.ToString(inv);
        }

        SafeTensors.Save(path, Network.Parameters, meta);
    }

    /// <summary>Reads a model written by <see cref="Save"/>; it runs on the compute entered on the calling thread.</summary>
    public static DiffusionModel Load(string path)
    {
        var meta = SafeTensors.Metadata(path);
        string Get(string key) => meta.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"{path}: no '{key}' in the metadata; not a CollapseLab diffusion checkpoint.");
        var inv = CultureInfo.InvariantCulture;
        var settings = meta.Where(kv => kv.Key.StartsWith("net.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[4..], kv => int.Parse(kv.Value, inv));
        var network = Denoiser.Create(Get("denoiser"), settings, 0);
        SafeTensors.LoadInto(path, network.Parameters);
        double[] Doubles(string key) => Get(key).Split(',').Select(v => double.Parse(v, inv)).ToArray();
        return new DiffusionModel(network, NoiseSchedule.Create(Get("schedule"), int.Parse(Get("T"), inv)),
            new SamplerSettings(Get("sampler"), int.Parse(Get("sampling_steps"), inv), double.Parse(Get("lambda"), inv)),
            Get("image") == "true", Doubles("shift"), Doubles("scale"), int.Parse(Get("trajectory_steps"), inv), TrainingReport.Loaded, Compute.Current);
    }
}
