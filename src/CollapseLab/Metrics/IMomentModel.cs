namespace CollapseLab.Metrics;

/// <summary>A family whose models are <see cref="IMomentModel"/>s, as the moment metrics need.</summary>
public interface IMomentFamily : Families.IFamily
{
}

/// <summary>A model over rows whose mean and covariance are known in closed form.</summary>
public interface IMomentModel
{
    double[] Mean { get; }

    /// <summary>Row-major d×d.</summary>
    double[] Covariance { get; }
}
