namespace CollapseLab.Families;

/// <summary>A model over rows whose mean and covariance are known in closed form.</summary>
public interface IMomentModel : IModel
{
    double[] Mean { get; }

    /// <summary>Row-major d×d.</summary>
    double[] Covariance { get; }
}
