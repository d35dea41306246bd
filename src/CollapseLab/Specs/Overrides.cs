using System.Globalization;
using System.Text.RegularExpressions;

namespace CollapseLab.Specs;

/// <summary>
/// Command-line overrides <c>--set path.to.key=value</c>, applied to the spec tree before validation; list items
/// are addressed as <c>arms[1].policy.kind</c>. The value is read as YAML, so lists and maps work too.
/// </summary>
public static partial class Overrides
{
    public static SpecMap Apply(SpecMap root, IEnumerable<string> assignments)
    {
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new SpecException($"--set {assignment}: expected key=value, e.g. --set generations=20 or --set data.train=50.");
            }
            root = Set(root, assignment[..eq].Trim(), assignment[(eq + 1)..], SourceLocation.Override(assignment));
        }
        return root;
    }

    /// <summary>Sets the key at <paramref name="path"/> to <paramref name="value"/> (read as YAML); errors about it point at <paramref name="where"/>.</summary>
    public static SpecMap Set(SpecMap root, string path, string value, SourceLocation where)
    {
        var assignment = $"{path}={value}";
        var node = SpecParser.ParseValue(value, where.Source) ?? new SpecScalar("", where);
        return (SpecMap)SetIn(root, ParsePath(path, assignment), 0, Relocate(node, where), where, assignment);
    }

    private static List<object> ParsePath(string path, string assignment)
    {
        var segments = new List<object>();
        foreach (var part in path.Split('.'))
        {
            var m = SegmentPattern().Match(part);
            if (!m.Success)
            {
                throw new SpecException($"--set {assignment}: '{part}' is not a key; use names and list positions like arms[0].policy.kind.");
            }
            segments.Add(m.Groups[1].Value);
            foreach (Capture index in m.Groups[2].Captures)
            {
                segments.Add(int.Parse(index.Value, CultureInfo.InvariantCulture));
            }
        }
        return segments;
    }

    private static SpecNode SetIn(SpecNode? node, List<object> path, int depth, SpecNode value, SourceLocation where, string assignment)
    {
        if (depth == path.Count)
        {
            return value;
        }
        if (path[depth] is string key)
        {
            var map = node as SpecMap ?? new SpecMap([], where);
            if (node is not null and not SpecMap)
            {
                throw new SpecException($"--set {assignment}: '{key}' is set inside a value that is not a mapping.");
            }
            var child = map.Find(key)?.Value;
            return map.With(key, SetIn(child, path, depth + 1, value, where, assignment), where);
        }
        var index = (int)path[depth];
        if (node is not SpecList list || index < 0 || index >= list.Items.Count)
        {
            var count = (node as SpecList)?.Items.Count ?? 0;
            throw new SpecException($"--set {assignment}: position [{index}] does not exist (the list has {count} items, numbered from 0).");
        }
        var items = list.Items.ToList();
        items[index] = SetIn(items[index], path, depth + 1, value, where, assignment);
        return list with { Items = items };
    }

    private static SpecNode Relocate(SpecNode node, SourceLocation where) => node switch
    {
        SpecScalar s => s with { Where = where },
        SpecList l => new SpecList(l.Items.Select(i => Relocate(i, where)).ToList(), where),
        SpecMap m => new SpecMap(m.Entries.Select(e => new SpecEntry(e.Key, Relocate(e.Value, where), where)).ToList(), where),
        _ => node,
    };

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_\-]*)(?:\[(\d+)\])*$")]
    private static partial Regex SegmentPattern();
}
