using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CollapseLab.Specs;

/// <summary>Reads YAML text into located <see cref="SpecNode"/>s; malformed YAML becomes a <see cref="SpecException"/>.</summary>
public static class SpecParser
{
    public static SpecMap ParseFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new SpecException(
                $"{path}: spec file not found. Check the path, or run 'collapse run' with no spec for the built-in default.");
        }
        return ParseDocument(File.ReadAllText(path), path);
    }

    public static SpecMap ParseDocument(string text, string source)
    {
        var node = ParseValue(text, source);
        return node switch
        {
            SpecMap map => map,
            null => new SpecMap([], new SourceLocation(source, 1, 1)),
            _ => throw new SpecException(node.Where, "", "a spec must be a mapping of keys (name:, seed:, data:, …) at the top level."),
        };
    }

    /// <summary>One YAML value (scalar, flow list or flow map); null for an empty document.</summary>
    public static SpecNode? ParseValue(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var where = new SourceLocation(source, (int)e.Start.Line, (int)e.Start.Column);
            var reason = e.InnerException?.Message ?? e.Message;
            throw new SpecException(where, "", $"malformed YAML: {reason} Check indentation, colons and brackets near this line.");
        }
        if (stream.Documents.Count == 0)
        {
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            throw new SpecException($"{source}: holds {stream.Documents.Count} YAML documents; a spec is one document (remove the extra '---').");
        }
        return Convert(stream.Documents[0].RootNode, source);
    }

    private static SpecNode Convert(YamlNode node, string source)
    {
        var where = new SourceLocation(source, (int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlScalarNode scalar:
                return new SpecScalar(scalar.Value ?? "", where);
            case YamlSequenceNode sequence:
                return new SpecList(sequence.Children.Select(c => Convert(c, source)).ToList(), where);
            case YamlMappingNode mapping:
                var entries = new List<SpecEntry>();
                foreach (var (k, v) in mapping.Children)
                {
                    var keyWhere = new SourceLocation(source, (int)k.Start.Line, (int)k.Start.Column);
                    if (k is not YamlScalarNode keyScalar || string.IsNullOrEmpty(keyScalar.Value))
                    {
                        throw new SpecException(keyWhere, "", "keys must be plain names.");
                    }
                    if (entries.Any(e => e.Key == keyScalar.Value))
                    {
                        throw new SpecException(keyWhere, keyScalar.Value, "appears twice in the same mapping; keep one.");
                    }
                    entries.Add(new SpecEntry(keyScalar.Value, Convert(v, source), keyWhere));
                }
                return new SpecMap(entries, where);
            default:
                throw new SpecException(where, "", "unsupported YAML node (aliases and tags are not used in specs).");
        }
    }
}
