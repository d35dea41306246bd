using CollapseLab.Data;
using CollapseLab.Specs;

namespace CollapseLab.Families.Kde;

/// <summary>
/// A kernel density estimate p(x) = (1/n) Σᵢ K_h(x − xᵢ): the non-parametric family of Kazdan et al.'s KDE collapse
/// experiments. Fitting stores the training rows; the bandwidth comes from <see cref="Bandwidth"/>.
/// </summary>
public sealed record KdeFamily(KdeKernel Kernel, Bandwidth Bandwidth) : IFamily
{
    public static FamilyRegistration Registration { get; } = new("kde", Read,
        [Capabilities.Density, Capabilities.Moments],
        "data: { source: moons, train: 60, test: 200 }\nmodel: { family: kde }");

    public string Name => "kde";

    public bool RecyclesSamples => true;

    public DataKind Kind => DataKind.Rows;

    public IReadOnlyList<string> DefaultMetrics => ["test_nll", "sliced_w1", "mmd", "precision", "recall"];

    public static KdeFamily Read(SpecReader model)
    {
        var kernel = KdeKernels.Parse(model.Choice("kernel", "gaussian", KdeKernels.Names));
        return new KdeFamily(kernel, Bandwidth.Read(model));
    }

    public void Validate(ExperimentData data, int smallestTrainingSet, SpecReader model)
    {
        if (Bandwidth.Values is { Length: > 1 } values && data is RowData rows && values.Length != rows.Dim)
        {
            throw model.Error("bandwidth", $"has {values.Length} entries but the data have {rows.Dim} dimensions; give one bandwidth, or one per dimension.");
        }
    }

    public IModel Fit(DataBatch train, FitContext context)
    {
        var rows = (RowBatch)train;
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("cannot fit a kernel density to an empty training set");
        }
        return new KdeModel(rows, Bandwidth.For(rows.Count, rows.Dim), Kernel);
    }
}
