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
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, without a position, on some unclosed [ or { that run into the next line.
            var where = UnclosedBracket(text, source);
            throw new SpecException(where, "", "malformed YAML: a '[' or '{' here is not closed before the lines that follow. Close it on the same line, or write the list or mapping as indented lines.");
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

    /// <summary>Where the first '[' or '{' outside quotes that is never closed stands (line 1 when none is found).</summary>
    private static SourceLocation UnclosedBracket(string text, string source)
    {
        var open = new Stack<(int Line, int Column)>();
        var lines = text.Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            var quote = '\0';
            for (var c = 0; c < lines[l].Length; c++)
            {
                var ch = lines[l][c];
                if (quote != '\0')
                {
                    quote = ch == quote ? '\0' : quote;
                }
                else if (ch is '"' or '\'')
                {
                    quote = ch;
                }
                else if (ch == '#')
                {
                    break;
                }
                else if (ch is '[' or '{')
                {
                    open.Push((l + 1, c + 1));
                }
                else if (ch is ']' or '}' && open.Count > 0)
                {
                    open.Pop();
                }
            }
        }
        var first = open.Count > 0 ? open.Last() : (Line: 1, Column: 1);
        return new SourceLocation(source, first.Line, first.Column);
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
