using CollapseLab.Families;
using CollapseLab.Specs;

namespace CollapseLab.Storage;

/// <summary>
/// One model a run saved: replicate 0's fit of <see cref="Arm"/> at <see cref="Generation"/>, read back with the
/// arm rebuilt from the run's resolved spec (same data, tokenizer and prompts), so it samples as it did in the run.
/// </summary>
public sealed record SavedModel(ExperimentSpec Spec, ArmSpec Arm, int Generation, IModel Model)
{
    /// <summary>
    /// Opens the model of arm <paramref name="armName"/> (default: the first) at <paramref name="generation"/>
    /// (default: the last saved). <paramref name="modelOverrides"/> set keys under the arm's <c>model:</c> (e.g.
    /// sampling.temperature) before the spec is validated, so bad values get the spec's own messages.
    /// </summary>
    public static SavedModel Open(RunFolder folder, string? armName, int? generation,
        IReadOnlyList<(string Key, string Value, SourceLocation Where)> modelOverrides)
    {
        var specPath = folder.File(RunFolder.SpecFile);
        var tree = SpecParser.ParseFile(specPath);
        var index = ArmIndex(tree, specPath, armName);
        foreach (var (key, value, where) in modelOverrides)
        {
            tree = Overrides.Set(tree, $"arms[{index}].model.{key}", value, where);
        }
        var spec = LoadSpec(tree, folder.Path, modelOverrides);
        var arm = spec.Arms[index];
        if (arm.Family is not ISavedModels saved)
        {
            throw new SpecException($"arm '{arm.Name}' uses the {arm.Family.Name} family, which does not save its fitted models, so there is nothing to sample. Sample a run of a family that saves them (transformer or vae, with model.save_models: true).");
        }
        if (!saved.SavesModels)
        {
            throw new SpecException($"arm '{arm.Name}' ran without saving its models. Set {saved.SaveModelsSetting} in the spec and run it again.");
        }
        var directory = folder.ModelDirectory(arm.Index);
        var available = Enumerable.Range(0, spec.Generations + 1)
            .Where(g => File.Exists(Path.Combine(directory, saved.ModelFile(g))))
            .ToList();
        if (available.Count == 0)
        {
            throw new SpecException($"arm '{arm.Name}' has no saved model in {directory} (a model is saved after each generation's fit; did the run stop before its first?).");
        }
        var chosen = generation ?? available[^1];
        if (!available.Contains(chosen))
        {
            throw new SpecException($"--generation {chosen}: arm '{arm.Name}' has no saved model of that generation. Saved generations: {string.Join(", ", available)}.");
        }
        var path = Path.Combine(directory, saved.ModelFile(chosen));
        try
        {
            return new SavedModel(spec, arm, chosen, saved.LoadModel(path, arm.Data.Pool(spec.Seed, 0)));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new SpecException($"{path}: the saved model cannot be read ({e.Message}). Pick another --generation.", e);
        }
    }

    /// <summary>Loads the resolved spec; a problem that the overrides may have caused says so, since only they can change.</summary>
    private static ExperimentSpec LoadSpec(SpecMap tree, string baseDirectory, IReadOnlyList<(string Key, string Value, SourceLocation Where)> modelOverrides)
    {
        try
        {
            return SpecLoader.Load(tree, baseDirectory);
        }
        catch (SpecException e) when (modelOverrides.Count > 0 && !modelOverrides.Any(o => o.Where == e.Where))
        {
            var given = string.Join(", ", modelOverrides.Select(o => o.Where.Source));
            throw new SpecException($"{e.Message} (That is with {given} over the run's saved settings; change or drop those options.)", e);
        }
    }

    /// <summary>The arm's position in the resolved spec's arms list, found before validation so overrides can address it.</summary>
    private static int ArmIndex(SpecMap tree, string specPath, string? armName)
    {
        var names = ((tree.Find("arms")?.Value as SpecList)?.Items ?? [])
            .Select(a => ((a as SpecMap)?.Find("name")?.Value as SpecScalar)?.Value ?? "")
            .ToList();
        if (names.Count == 0)
        {
            throw new SpecException($"{specPath}: no arms list; this is not the resolved spec a run writes.");
        }
        if (armName is null)
        {
            return 0;
        }
        var index = names.IndexOf(armName);
        return index >= 0
            ? index
            : throw new SpecException($"--arm {armName}: this run has no such arm.{Suggestions.DidYouMean(armName, names)} Its arms: {string.Join(", ", names)}.");
    }
}
