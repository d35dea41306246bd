using CollapseLab.Data;
using CollapseLab.Random;

namespace CollapseLab.Families;

/// <summary>
/// A family that can advance a block of chains side by side: each chain's fitted parameters live in the block's
/// flat arrays, so a generation of a small model makes no objects. Every chain gets exactly the bits it gets on
/// its own (<see cref="IFamily.Fit"/> then <see cref="IModel.Sample"/>), which the lockstep tests pin.
/// </summary>
public interface ILockstepFamily : IFamily
{
    /// <summary>
    /// A block of <paramref name="chains"/> chains over <paramref name="data"/>, each drawing
    /// <paramref name="samples"/> rows a generation; null when these options or sizes need the per-chain path.
    /// </summary>
    IChainBlock? OpenBlock(ExperimentData data, int chains, int samples);
}

/// <summary>The current models of a block of chains over numeric rows, one slot per chain.</summary>
public interface IChainBlock
{
    /// <summary>Values per row.</summary>
    int Dim { get; }

    /// <summary>
    /// Fits the models of chains <paramref name="first"/> … <paramref name="first"/> + <paramref name="chains"/> − 1,
    /// replacing their last ones: <paramref name="rows"/> holds their training sets back to back, of equal size.
    /// </summary>
    void Fit(int first, int chains, ReadOnlySpan<double> rows);

    /// <summary>Fills <paramref name="destination"/> (whole rows) with chain <paramref name="chain"/>'s samples from <paramref name="stream"/>.</summary>
    void Sample(int chain, StreamKey stream, Span<double> destination);

    /// <summary>Why chain <paramref name="chain"/>'s model is degenerate (as <see cref="IModel.Degeneracy"/>), or null.</summary>
    string? Degeneracy(int chain);
}

/// <summary>A block whose models have a closed-form mean and covariance (as <see cref="IMomentModel"/>).</summary>
public interface IMomentBlock : IChainBlock
{
    ReadOnlySpan<double> Mean(int chain);

    /// <summary>Row-major d×d.</summary>
    ReadOnlySpan<double> Covariance(int chain);
}

/// <summary>A block whose models are single Gaussians (as <see cref="IGaussianForm"/>).</summary>
public interface IGaussianBlock : IMomentBlock
{
    /// <summary>Chain <paramref name="chain"/>'s factor of Σ, the one its model would hold (it may be made on each call).</summary>
    Numerics.Cholesky Factor(int chain);
}
