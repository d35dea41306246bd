using CollapseLab.Data;

namespace CollapseLab.Families;

/// <summary>A model over rows of numbers with a density.</summary>
public interface IDensityModel : IModel
{
    int Dim { get; }

    /// <summary>log p(x) for one row; −∞ outside a degenerate model's support.</summary>
    double LogDensity(ReadOnlySpan<double> x);

    /// <summary>
    /// −(1/n) Σ log p(xᵢ) over the real test rows, +∞ once a row is off a degenerate model's support. Row by row
    /// here; a model with a shortcut (closed form from the test moments, batched scoring) overrides it.
    /// </summary>
    double TestNll(RowData real, int threads)
    {
        var test = (RowBatch)real.Test;
        var sum = 0.0;
        for (var i = 0; i < test.Count; i++)
        {
            sum -= LogDensity(test.Row(i));
        }
        return sum / test.Count;
    }
}
