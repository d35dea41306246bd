namespace CollapseLab.Families.Mixture;

/// <summary>
/// How each component's covariance is parameterised (scikit-learn's <c>covariance_type</c>): its own full matrix,
/// one full matrix shared by all components, its own diagonal, or its own single variance.
/// </summary>
public enum CovarianceKind
{
    Full,
    Tied,
    Diag,
    Spherical,
}

public static class CovarianceKinds
{
    public static readonly string[] Names = ["full", "tied", "diag", "spherical"];

    public static CovarianceKind Parse(string name) => name switch
    {
        "full" => CovarianceKind.Full,
        "tied" => CovarianceKind.Tied,
        "diag" => CovarianceKind.Diag,
        "spherical" => CovarianceKind.Spherical,
        _ => throw new ArgumentException($"unknown covariance kind '{name}'", nameof(name)),
    };

    public static string Name(this CovarianceKind kind) => Names[(int)kind];
}
