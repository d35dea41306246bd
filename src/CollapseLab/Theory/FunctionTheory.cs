using CollapseLab.Specs;

namespace CollapseLab.Theory;

/// <summary>A theory given as one prediction function, for families whose theory is a set of static closed forms.</summary>
public sealed class FunctionTheory(Func<string, ArmSpec, int, double[]?> predict) : ITheory
{
    public double[]? Predict(string metric, ArmSpec arm, int generations) => predict(metric, arm, generations);
}
