using CollapseLab.Data;
using CollapseLab.Families;

namespace CollapseLab.Metrics;

/// <summary>A metric over numeric rows; the catalog refuses it on text or images when the spec loads.</summary>
public abstract class RowMetric : Metric
{
    public override string? Unsupported(IFamily family, ExperimentData data) => data is RowData ? null : "needs numeric rows";
}
