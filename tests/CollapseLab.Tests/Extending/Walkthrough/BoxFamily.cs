using CollapseLab.Data;
using CollapseLab.Families;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Extending.Walkthrough;

/// <summary>
/// The walkthrough family of ARCHITECTURE.md: a uniform distribution on the smallest axis-aligned box holding the
/// training rows (each dimension's min and max, widened by <see cref="Margin"/> of its width). Refitted on its own
/// samples the box can only shrink, so it collapses. It lives in the test project and touches only its own files
/// and one registration line (<see cref="WalkthroughCatalog"/>).
/// </summary>
public sealed record BoxFamily(double Margin) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("box", Read,
        [Capabilities.Density, Capabilities.Moments],
        "data: { source: gaussian, dim: 2, train: 40, test: 200 }\nmodel: { family: box, margin: 0.05 }");

    public string Name => "box";

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics => ["trace_ratio", "tail_mass", "mmd"];

    public static BoxFamily Read(SpecReader model) => new(model.Double("margin", 0, min: 0, max: 1));

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (data is not RowData)
        {
            throw model.Error("family", "box models numeric rows; use a row source such as gaussian or csv.");
        }
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var rows = (RowBatch)train;
        var low = new double[rows.Dim];
        var high = new double[rows.Dim];
        Array.Fill(low, double.PositiveInfinity);
        Array.Fill(high, double.NegativeInfinity);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            for (var j = 0; j < rows.Dim; j++)
            {
                low[j] = Math.Min(low[j], row[j]);
                high[j] = Math.Max(high[j], row[j]);
            }
        }
        for (var j = 0; j < rows.Dim; j++)
        {
            var widen = Margin * (high[j] - low[j]) / 2;
            low[j] -= widen;
            high[j] += widen;
        }
        return new BoxModel(low, high);
    }
}
