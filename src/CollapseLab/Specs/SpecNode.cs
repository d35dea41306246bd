namespace CollapseLab.Specs;

/// <summary>Where a spec value came from: a file position, or a command-line override.</summary>
public sealed record SourceLocation(string Source, int Line, int Column)
{
    public static SourceLocation Override(string text) => new($"--set {text}", 0, 0);

    /// <summary>Whether this location is a command-line <c>--set</c> (<see cref="Override"/>) rather than a line of a file.</summary>
    public bool IsOverride => Line == 0 && Source.StartsWith("--set ", StringComparison.Ordinal);

    public override string ToString() => Line > 0 ? $"{Source}:{Line}:{Column}" : Source;
}

/// <summary>A YAML value with its location, kept so every error can point at the line that caused it.</summary>
public abstract record SpecNode(SourceLocation Where);

public sealed record SpecScalar(string Value, SourceLocation Where) : SpecNode(Where);

public sealed record SpecList(IReadOnlyList<SpecNode> Items, SourceLocation Where) : SpecNode(Where);

public sealed record SpecMap(IReadOnlyList<SpecEntry> Entries, SourceLocation Where) : SpecNode(Where)
{
    public SpecEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key == key);

    /// <summary>Keys of <paramref name="overrides"/> replace or, for nested maps, merge into this map's.</summary>
    public SpecMap MergeWith(SpecMap overrides)
    {
        var entries = Entries.ToList();
        foreach (var o in overrides.Entries)
        {
            var i = entries.FindIndex(e => e.Key == o.Key);
            if (i < 0)
            {
                entries.Add(o);
            }
            else if (entries[i].Value is SpecMap baseMap && o.Value is SpecMap overMap)
            {
                entries[i] = entries[i] with { Value = baseMap.MergeWith(overMap) };
            }
            else
            {
                entries[i] = o;
            }
        }
        return this with { Entries = entries };
    }

    public SpecMap Without(string key) => this with { Entries = Entries.Where(e => e.Key != key).ToList() };

    public SpecMap With(string key, SpecNode value, SourceLocation keyWhere)
    {
        var entries = Entries.ToList();
        var i = entries.FindIndex(e => e.Key == key);
        var entry = new SpecEntry(key, value, keyWhere);
        if (i < 0)
        {
            entries.Add(entry);
        }
        else
        {
            entries[i] = entry;
        }
        return this with { Entries = entries };
    }
}

public sealed record SpecEntry(string Key, SpecNode Value, SourceLocation KeyWhere);
