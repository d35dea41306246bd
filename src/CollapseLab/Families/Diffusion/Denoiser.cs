using CollapseLab.Tensors;

namespace CollapseLab.Families.Diffusion;

/// <summary>
/// ε_θ(x_t, t): a network that predicts the noise in a noised batch x_t (B,D) at steps t (B values in [0, T)).
/// The weights live in one <see cref="ParameterBlock"/>; the settings that rebuild it are <see cref="Settings"/>.
/// </summary>
public abstract class Denoiser
{
    public static readonly string[] Kinds = ["mlp", "unet"];

    public abstract string Kind { get; }

    /// <summary>Values per item (row width, or pixels of an image).</summary>
    public abstract int Dim { get; }

    public abstract ParameterBlock Parameters { get; }

    /// <summary>The sizes that rebuild this network (saved with the weights).</summary>
    public abstract IReadOnlyDictionary<string, int> Settings { get; }

    /// <summary>Predicted noise, (B,D), for x (B,D) at steps t.</summary>
    public abstract Tensor PredictNoise(Tensor x, ReadOnlySpan<float> t);

    /// <summary>
    /// The steps whose embedding a forward pass computes: one when the whole batch is at the same step (every
    /// reverse step of sampling), so the time path runs on one row and is broadcast, else all of them.
    /// </summary>
    protected static ReadOnlySpan<float> DistinctSteps(ReadOnlySpan<float> t) =>
        t.Length > 1 && !t.ContainsAnyExcept(t[0]) ? t[..1] : t;

    /// <summary>A network of <paramref name="kind"/> with fresh weights drawn from <paramref name="seed"/>.</summary>
    public static Denoiser Create(string kind, IReadOnlyDictionary<string, int> settings, ulong seed) => kind switch
    {
        "mlp" => new MlpDenoiser(settings["dim"], settings["hidden"], settings["layers"], settings["time_dim"], seed),
        _ => new UNetDenoiser(settings["side"], settings["channels"], settings["time_dim"], seed),
    };
}
