using CollapseLab.Extending;
using CollapseLab.Metrics;
using CollapseLab.Specs;
using CollapseLab.Theory;

namespace CollapseLab.Families;

/// <summary>
/// How a family joins the catalog: its spec name, how it reads its options, what its models can do, and the
/// metrics and theory that belong to it alone (registered next to it, offered only with it).
/// </summary>
/// <param name="Example">A small data and model section (YAML) that the family fits in a few seconds: the contract
/// test runs every registered family on it, and it shows users a setting that works.</param>
public sealed record FamilyRegistration(string Name, Func<SpecReader, IFamily> Read, IReadOnlyList<Capability> Capabilities, string Example)
    : IRegistered
{
    public IReadOnlyList<Metric> Metrics { get; init; } = [];

    public IReadOnlyList<ITheory> Theory { get; init; } = [];
}
