namespace CollapseLab.Data;

/// <summary>
/// Supervised rows (x₁ … x_d, y) whose target is known exactly: y = f(x) + ε with ε ~ N(0, σ²). A verifier of
/// regression samples asks the data for this, never for a concrete source.
/// </summary>
public interface IKnownTarget
{
    /// <summary>f(x), the noise-free target of features <paramref name="x"/> (the row without its last column).</summary>
    double TrueTarget(ReadOnlySpan<double> x);

    /// <summary>σ, the noise's standard deviation.</summary>
    double NoiseSd { get; }
}
