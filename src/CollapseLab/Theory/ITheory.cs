using CollapseLab.Specs;

namespace CollapseLab.Theory;

/// <summary>Closed-form expectations of a metric by generation, registered with the family they hold for.</summary>
public interface ITheory
{
    /// <summary>E[metric] for t = 0 … <paramref name="generations"/> under this arm, or null where this theory does not apply.</summary>
    double[]? Predict(string metric, ArmSpec arm, int generations);
}
