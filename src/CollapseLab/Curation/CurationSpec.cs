using CollapseLab.Data;
using CollapseLab.Extending;
using CollapseLab.Families;
using CollapseLab.Specs;

namespace CollapseLab.Curation;

/// <summary>
/// Reads an arm's <c>curation:</c>: a list of steps, or a mapping <c>{ steps: [...], top_up: { max_draws: 8 } }</c>.
/// Each step is a name (<c>- dedup</c>) or a mapping naming the step and its options (<c>- { step: dedup }</c>).
/// Absent means no curation.
/// </summary>
public static class CurationSpec
{
    public static CurationStage Read(SpecReader arm, Catalog catalog, IFamily family, ExperimentData data, int samples)
    {
        var node = arm.Node("curation");
        if (node is null)
        {
            return CurationStage.None;
        }
        if (node is SpecMap)
        {
            var (stage, _) = arm.Section("curation", c =>
            {
                var list = c.Node("steps") as SpecList ?? throw c.Error("steps", "expected a list of steps, e.g. steps: [dedup].");
                var steps = ReadSteps(list, c, "steps", catalog, family, data, samples);
                var maxDraws = c.Has("top_up") ? c.Section("top_up", t => t.Int("max_draws", 8, min: 1, max: 1000)) : 1;
                return (new CurationStage(steps, maxDraws), c);
            });
            return stage;
        }
        if (node is not SpecList bare)
        {
            throw arm.Error("curation", "expected a list of steps, e.g. curation: [dedup] or curation: [{ step: dedup }], or { steps: [...], top_up: { max_draws: 8 } }.");
        }
        return new CurationStage(ReadSteps(bare, arm, "curation", catalog, family, data, samples));
    }

    private static List<CurationStep> ReadSteps(SpecList list, SpecReader parent, string key, Catalog catalog, IFamily family, ExperimentData data, int samples)
    {
        var steps = new List<CurationStep>();
        var resolved = new List<object>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i] switch
            {
                SpecScalar name => new SpecMap([new SpecEntry("step", name, name.Where)], name.Where),
                SpecMap map => map,
                var other => throw new SpecException(other.Where, parent.KeyPath($"{key}[{i}]"), "each step is a name or a mapping with step: and its options."),
            };
            var where = parent.KeyPath($"{key}[{i}]");
            var (step, values) = SpecReader.Read(item, where, r =>
            {
                var registration = catalog.Curation.Read(r, "step", null);
                return (registration.Read(r), r.Resolved);
            });
            foreach (var capability in step.Requires.Where(c => !catalog.Provides(family, capability: c)))
            {
                throw new SpecException(item.Where, where, $"step '{step.Name}' {catalog.MissingCapability(capability)} (this arm's family is {family.Name}).");
            }
            if (step.Unsupported(data, samples) is { } why)
            {
                throw new SpecException(item.Where, where, $"step '{step.Name}' {why}");
            }
            if (step.NeedsLabels(data) && !family.SamplesLabels)
            {
                throw new SpecException(item.Where, where,
                    $"step '{step.Name}' checks each sample's class label, but this arm's family ({family.Name}) samples unlabelled rows. Use a class-conditional model (family: gmm with labels: true).");
            }
            steps.Add(step);
            resolved.Add(values);
        }
        parent.Resolved[key] = resolved;
        return steps;
    }
}
