namespace CollapseLab.Detection;

/// <summary>A fitted real-vs-synthetic classifier over feature rows: p(synthetic | row).</summary>
public interface IBinaryClassifier
{
    double Probability(ReadOnlySpan<double> row);
}
