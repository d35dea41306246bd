using CollapseLab.Extending;
using CollapseLab.Families;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Reads an arm's <c>curation:</c> list: each item a step name (<c>- dedup</c>) or a mapping naming the step and its
/// options (<c>- { step: dedup }</c>). Absent means no curation.
/// </summary>
public static class CurationSpec
{
    public static CurationStage Read(SpecReader arm, Catalog catalog, IFamily family)
    {
        var node = arm.Node("curation");
        if (node is null)
        {
            return CurationStage.None;
        }
        if (node is not SpecList list)
        {
            throw arm.Error("curation", "expected a list of steps, e.g. curation: [dedup] or curation: [{ step: dedup }].");
        }
        var steps = new List<CurationStep>();
        var resolved = new List<object>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i] switch
            {
                SpecScalar name => new SpecMap([new SpecEntry("step", name, name.Where)], name.Where),
                SpecMap map => map,
                var other => throw new SpecException(other.Where, $"curation[{i}]", "each step is a name or a mapping with step: and its options."),
            };
            var (step, values) = SpecReader.Read(item, arm.KeyPath($"curation[{i}]"), r =>
            {
                var registration = catalog.Curation.Read(r, "step", null);
                return (registration.Read(r), r.Resolved);
            });
            foreach (var capability in step.Requires.Where(c => !catalog.Provides(family, capability: c)))
            {
                throw new SpecException(item.Where, arm.KeyPath($"curation[{i}]"),
                    $"step '{step.Name}' {catalog.MissingCapability(capability)} (this arm's family is {family.Name}).");
            }
            steps.Add(step);
            resolved.Add(values);
        }
        arm.Resolved["curation"] = resolved;
        return new CurationStage(steps);
    }
}
