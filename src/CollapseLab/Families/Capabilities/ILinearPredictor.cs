namespace CollapseLab.Families;

/// <summary>A model that predicts y from features x linearly: ŷ = x·ŵ (+ intercept).</summary>
public interface ILinearPredictor : IModel
{
    /// <summary>ŵ, one weight per feature, the intercept excluded.</summary>
    double[] Weights { get; }

    double Predict(ReadOnlySpan<double> x);
}
