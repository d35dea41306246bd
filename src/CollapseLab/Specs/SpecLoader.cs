using CollapseLab.Data;
using CollapseLab.Curation;
using CollapseLab.Data.Sources;
using CollapseLab.Extending;
using CollapseLab.Metrics;

namespace CollapseLab.Specs;

/// <summary>
/// Turns a spec tree into a validated <see cref="ExperimentSpec"/>: expands arms and grid, merges each arm over the
/// shared keys, reads every section with its registry, loads real data, and checks that everything fits together.
/// Nothing is written; any problem is a <see cref="SpecException"/> naming the place and the fix.
/// </summary>
public static class SpecLoader
{
    /// <summary>Keys an arm may override; everything else is shared by all arms.</summary>
    private static readonly string[] ArmKeys = ["data", "model", "policy", "curation", "samples_per_generation", "monitor"];

    public static ExperimentSpec LoadFile(string path, IEnumerable<string>? overrides = null, Catalog? catalog = null)
    {
        var tree = SpecParser.ParseFile(path);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Load(Overrides.Apply(tree, overrides ?? []), baseDirectory, catalog);
    }

    /// <param name="catalog">The registries to read against (default: the built-in ones).</param>
    public static ExperimentSpec Load(SpecMap tree, string baseDirectory, Catalog? catalog = null)
    {
        catalog ??= Catalog.BuiltIn;
        tree = ExpandShorthands(tree);
        var (root, header) = SpecReader.Read(tree, "", r => (r, ReadHeader(r, tree)));
        var (name, description, seed, generations, replicates, metricNames, output, armNodes) = header;

        var shared = SharedSections(tree);
        var dataCache = new Dictionary<string, ExperimentData>();
        var arms = new List<ArmSpec>();
        var resolvedArms = new List<object>();
        foreach (var (armName, armMap) in armNodes)
        {
            var (arm, resolved) = SpecReader.Read(ArmBase(shared, armMap).MergeWith(armMap), "",
                reader => (ReadArm(reader, armName, arms.Count, seed, generations, baseDirectory, dataCache, catalog), reader.Resolved));
            if (arms.Any(a => a.Name == arm.Name))
            {
                throw new SpecException(armMap.Where, "arms", $"two arms are named '{arm.Name}'; give each arm a distinct name.");
            }
            arms.Add(arm);
            var resolvedArm = new OrderedDictionary<string, object> { ["name"] = arm.Name };
            foreach (var (k, v) in resolved)
            {
                resolvedArm[k] = v;
            }
            resolvedArms.Add(resolvedArm);
        }

        CheckNullArms(armNodes, arms);
        var metrics = ResolveMetrics(root, metricNames, arms, catalog);
        root.Resolved["metrics"] = metrics.Select(m => m.Name).ToList();
        root.Resolved["arms"] = resolvedArms;
        return new ExperimentSpec(name, description, seed, generations, replicates, arms, metrics, output, root.Resolved) { Catalog = catalog };
    }

    private static (string Name, string Description, ulong Seed, int Generations, int Replicates, IReadOnlyList<string>? Metrics,
        OutputSpec Output, List<(string, SpecMap)> Arms) ReadHeader(SpecReader root, SpecMap tree)
    {
        var header = (root.String("name", "experiment"), root.String("description", ""), root.ULong("seed", 0),
            root.Int("generations", null, min: 1, max: 1_000_000), root.Int("replicates", 1, min: 1, max: 1_000_000),
            root.Strings("metrics"), root.Section("output", OutputSpec.Read), ExpandArms(root, tree));
        foreach (var key in ArmKeys)
        {
            root.Node(key);
        }
        return header;
    }

    private static ArmSpec ReadArm(SpecReader reader, string name, int index, ulong seed, int generations, string baseDirectory,
        Dictionary<string, ExperimentData> dataCache, Catalog catalog)
    {
        var (data, _) = reader.Section("data", dataReader =>
        {
            var load = DataSources.Read(dataReader, baseDirectory, catalog.Sources);
            var dataKey = Storage.ResolvedYaml.Write(dataReader.Resolved);
            if (!dataCache.TryGetValue(dataKey, out var loaded))
            {
                loaded = load(seed);
                dataCache[dataKey] = loaded;
            }
            return (loaded, dataKey);
        });

        var (family, modelReader) = reader.Section("model", m => (catalog.Families.Read(m, "family", null).Read(m), m));
        if (family.Kind != data.Kind)
        {
            throw modelReader.Error("family", $"family '{family.Name}' models {family.Kind.ToString().ToLowerInvariant()} but data.source gives {data.Kind.ToString().ToLowerInvariant()}; pick a matching family or source.");
        }
        var policy = reader.Section("policy", p => catalog.Policies.Read(p, "kind", "replace").Read(p, data.PoolSize));
        var samples = reader.Int("samples_per_generation", data.PoolSize, min: 1, max: 100_000_000);
        var curation = CurationSpec.Read(reader, catalog, family, data, samples);
        var monitor = Monitoring.MonitorSpec.Read(reader, catalog, family, data);
        var smallest = Enumerable.Range(0, generations + 1)
            .Min(g => g == 0 ? data.PoolSize : Math.Min(policy.TrainingSize(g, data.PoolSize, samples),
                monitor?.Action.Then?.TrainingSize(g, data.PoolSize, samples) ?? int.MaxValue));
        // The model section is read; its reader still locates errors in it.
        family.Validate(data, smallest, modelReader);
        return new ArmSpec(name, index, data, family, policy, samples) { Curation = curation, Monitor = monitor };
    }

    /// <summary>Sections that may be written as their one main key's value: policy: replace, model: gaussian, data: kjv.</summary>
    private static readonly (string Section, string Key)[] Shorthands = [("policy", "kind"), ("model", "family"), ("data", "source")];

    /// <summary>Rewrites each shorthand section as the mapping it stands for, before arms are merged.</summary>
    private static SpecMap ExpandShorthands(SpecMap map)
    {
        foreach (var (section, key) in Shorthands)
        {
            if (map.Find(section) is { Value: SpecScalar value } entry)
            {
                map = map.With(section, new SpecMap([new SpecEntry(key, value, value.Where)], value.Where), entry.KeyWhere);
            }
        }
        return map;
    }

    /// <summary>
    /// The shared sections an arm builds on: an arm that names another policy kind, family or source starts that
    /// section afresh rather than inheriting options meant for the other one.
    /// </summary>
    private static SpecMap ArmBase(SpecMap shared, SpecMap arm)
    {
        foreach (var (section, key) in Shorthands)
        {
            var mine = ((arm.Find(section)?.Value as SpecMap)?.Find(key)?.Value as SpecScalar)?.Value;
            var theirs = ((shared.Find(section)?.Value as SpecMap)?.Find(key)?.Value as SpecScalar)?.Value;
            if (mine is not null && mine != theirs)
            {
                shared = shared.Without(section);
            }
        }
        return shared;
    }

    /// <summary>Arms (each a name and its overrides) crossed with the grid; one arm named after the policy if none.</summary>
    private static List<(string Name, SpecMap Overrides)> ExpandArms(SpecReader root, SpecMap tree)
    {
        var arms = new List<(string, SpecMap)>();
        switch (root.Node("arms"))
        {
            case null:
                var kind = (tree.Find("policy")?.Value as SpecMap)?.Find("kind")?.Value as SpecScalar;
                arms.Add((kind?.Value ?? "replace", new SpecMap([], tree.Where)));
                break;
            case SpecList list when list.Items.Count > 0:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (list.Items[i] is not SpecMap armMap)
                    {
                        throw new SpecException(list.Items[i].Where, $"arms[{i}]", "each arm is a mapping, e.g. { name: replace, policy: { kind: replace } }.");
                    }
                    armMap = ExpandShorthands(armMap);
                    var nameNode = armMap.Find("name")?.Value as SpecScalar;
                    var policyKind = ((armMap.Find("policy")?.Value as SpecMap)?.Find("kind")?.Value as SpecScalar)?.Value;
                    arms.Add((nameNode?.Value ?? policyKind ?? $"arm{i}", armMap.Without("name")));
                }
                break;
            case var other:
                throw new SpecException(other.Where, "arms", "expected a non-empty list of arms, each a mapping with a name and the keys it overrides.");
        }
        return ExpandGrid(root.Node("grid"), arms, SharedSections(tree));
    }

    /// <summary>The top-level sections every arm builds on (data, model, policy, …).</summary>
    private static SpecMap SharedSections(SpecMap tree) => new(tree.Entries.Where(e => ArmKeys.Contains(e.Key)).ToList(), tree.Where);

    private static List<(string, SpecMap)> ExpandGrid(SpecNode? grid, List<(string Name, SpecMap Overrides)> arms, SpecMap shared)
    {
        if (grid is null)
        {
            return arms;
        }
        if (grid is not SpecMap gridMap)
        {
            throw new SpecException(grid.Where, "grid", "expected a mapping of key paths to lists of values, e.g. grid: { data.train: [10, 100] }.");
        }
        foreach (var axis in gridMap.Entries)
        {
            if (axis.Value is not SpecList values || values.Items.Count == 0)
            {
                throw new SpecException(axis.Value.Where, $"grid.{axis.Key}", "expected a non-empty list of values to sweep.");
            }
            var path = axis.Key.Split('.');
            var root = path[0];
            if (!ArmKeys.Contains(root))
            {
                throw new SpecException(axis.KeyWhere, $"grid.{axis.Key}", $"only keys under {string.Join(", ", ArmKeys)} can be swept.{Suggestions.DidYouMean(root, ArmKeys)}");
            }
            if (FindPath(shared, path) is { Where.IsOverride: true } set)
            {
                throw new SpecException(set.Where, axis.Key,
                    $"the grid sweeps {axis.Key}, so this value would be ignored; change the sweep instead by replacing the grid, e.g. --set 'grid={{{axis.Key}: [{(set as SpecScalar)?.Value ?? "…"}]}}' (every axis you keep must be listed).");
            }
            var label = path[^1];
            arms = arms.SelectMany(arm => values.Items.Select(v =>
            {
                var text = v is SpecScalar s ? s.Value : "…";
                var overrides = (SpecMap)SetPath(SweptSection(arm.Overrides, shared, path), path, 0, v);
                return ($"{arm.Name} {label}={text}", overrides);
            })).ToList();
        }
        return arms;
    }

    /// <summary>
    /// A grid axis over a section's main key (data.source, model.family, policy.kind) sweeps the shared section, so the
    /// shared section's other keys (data.test, data.dim, …) carry into every swept value, as written once for all of
    /// them; only an arm that names its own source, family or kind starts that section afresh (<see cref="ArmBase"/>).
    /// </summary>
    private static SpecMap SweptSection(SpecMap arm, SpecMap shared, string[] path)
    {
        if (path.Length != 2 || !Shorthands.Contains((path[0], path[1])) || shared.Find(path[0]) is not { Value: SpecMap common } entry)
        {
            return arm;
        }
        var own = arm.Find(path[0])?.Value as SpecMap;
        if (own?.Find(path[1]) is not null)
        {
            return arm;
        }
        return arm.With(path[0], own is null ? common : common.MergeWith(own), entry.KeyWhere);
    }

    private static SpecNode? FindPath(SpecNode? node, string[] path)
    {
        foreach (var key in path)
        {
            node = (node as SpecMap)?.Find(key)?.Value;
        }
        return node;
    }

    private static SpecNode SetPath(SpecNode? node, string[] path, int depth, SpecNode value)
    {
        if (depth == path.Length)
        {
            return value;
        }
        var map = node as SpecMap ?? new SpecMap([], value.Where);
        return map.With(path[depth], SetPath(map.Find(path[depth])?.Value, path, depth + 1, value), value.Where);
    }

    /// <summary>Every monitor's calibrate_on names an arm, and that arm has the monitored signals' family.</summary>
    private static void CheckNullArms(List<(string Name, SpecMap Overrides)> nodes, List<ArmSpec> arms)
    {
        for (var i = 0; i < arms.Count; i++)
        {
            if (arms[i].Monitor is not { } monitor)
            {
                continue;
            }
            var where = (nodes[i].Overrides.Find("monitor")?.Value ?? nodes[i].Overrides).Where;
            var target = arms.FirstOrDefault(a => a.Name == monitor.CalibrateOn)
                ?? throw new SpecException(where, $"arms[{i}].monitor.calibrate_on",
                    $"no arm is named '{monitor.CalibrateOn}'.{Suggestions.DidYouMean(monitor.CalibrateOn, arms.Select(a => a.Name))} Name an arm that theory says is stable (accumulate, or fresh-real with fraction 1); arms: {string.Join(", ", arms.Select(a => a.Name))}.");
            if (target.Family.Name != arms[i].Family.Name)
            {
                throw new SpecException(where, $"arms[{i}].monitor.calibrate_on",
                    $"arm '{target.Name}' fits family '{target.Family.Name}', but arm '{arms[i].Name}' fits '{arms[i].Family.Name}'; calibrate on an arm of the same family.");
            }
        }
    }

    private static List<Metric> ResolveMetrics(SpecReader root, IReadOnlyList<string>? names, List<ArmSpec> arms, Catalog catalog)
    {
        var first = arms[0];
        var chosen = names ?? first.Family.DefaultMetrics
            .Concat(first.Data is RowData { Dim: 1 } ? ["variance"] : [])
            .Where(n => catalog.Metrics.Find(n) is { } m && arms.All(a => catalog.Unsupported(m, a.Family, a.Data) is null))
            .ToList();
        var metrics = new List<Metric>();
        var watched = arms.SelectMany(a => a.Monitor?.Metrics ?? []);
        foreach (var n in chosen.Append("collapsed").Append("real_share").Concat(watched).Distinct())
        {
            var metric = catalog.Metrics.Find(n)
                ?? throw root.Error("metrics", $"unknown metric '{n}'.{Suggestions.DidYouMean(n, catalog.Metrics.Names)} Available for this family: {string.Join(", ", catalog.AvailableMetrics(first.Family, first.Data))}.");
            foreach (var arm in arms)
            {
                if ((catalog.Unsupported(metric, arm.Family, arm.Data) ?? metric.UnsupportedCuration(arm.Curation.Steps)) is { } why)
                {
                    throw root.Error("metrics", $"metric '{n}' {why} (arm '{arm.Name}', family '{arm.Family.Name}'). Available: {string.Join(", ", catalog.AvailableMetrics(arm.Family, arm.Data))}.");
                }
            }
            metrics.Add(metric);
        }
        return metrics;
    }
}
