using CollapseLab.Specs;
using CollapseLab.Storage;

namespace CollapseLab.Dashboard.Live;

/// <summary>
/// What a live view needs from a run's resolved spec.yaml, read as YAML only (loading the spec would load its data):
/// name, description, generations, replicates, arm names in index order and metric names with their descriptions.
/// </summary>
public sealed record RunOutline(string Name, string Description, int Generations, int Replicates,
    IReadOnlyList<string> Arms, IReadOnlyList<(string Name, string Description)> Metrics)
{
    public long TotalSteps => (long)Arms.Count * Replicates * (Generations + 1);

    /// <summary>The outline of <paramref name="folder"/>; a spec.yaml it cannot read is a <see cref="RunFolderException"/>.</summary>
    public static RunOutline Read(RunFolder folder)
    {
        var path = folder.File(RunFolder.SpecFile);
        SpecMap tree;
        try
        {
            tree = SpecParser.ParseFile(path);
        }
        catch (SpecException e)
        {
            throw new RunFolderException($"{path}: cannot read the run's resolved spec ({e.Message}).");
        }
        string Text(SpecMap map, string key) => (map.Find(key)?.Value as SpecScalar)?.Value ?? "";
        int Number(string key) => int.TryParse(Text(tree, key), System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw new RunFolderException($"{path}: '{key}' is missing or not a whole number; this is not a resolved spec written by 'collapse run'.");
        var arms = ((tree.Find("arms")?.Value as SpecList)?.Items ?? []).OfType<SpecMap>().Select(a => Text(a, "name")).ToList();
        var catalog = Extending.Catalog.BuiltIn.Metrics;
        var metrics = ((tree.Find("metrics")?.Value as SpecList)?.Items ?? []).OfType<SpecScalar>()
            .Select(m => (m.Value, catalog.Find(m.Value)?.Description ?? "")).ToList();
        return new RunOutline(Text(tree, "name"), Text(tree, "description"), Number("generations"), Math.Max(1, Number("replicates")), arms, metrics);
    }
}
