using CollapseLab.Extending;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>Reads <c>data.source</c> against the catalog's sources: "gaussian", "csv:path", ….</summary>
public static class DataSources
{
    public static Func<ulong, ExperimentData> Read(SpecReader data, string baseDirectory, Registry<SourceRegistration> sources)
    {
        var source = data.String("source", "gaussian");
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? source : source[..colon];
        var argument = colon < 0 ? "" : source[(colon + 1)..];
        if (sources.Find(name) is not { } registration)
        {
            var choices = sources.All.Select(s => s.TakesPath ? s.Name + ":path" : s.Name);
            throw data.Error("source", $"unknown data source '{name}'; choose one of: {string.Join(", ", choices)}.{Suggestions.DidYouMean(name, sources.Names)}");
        }
        if (registration.TakesPath)
        {
            // The path goes after the colon or, as users also write it, under its own key.
            var path = data.OptionalString("path");
            if (path is not null && argument.Length > 0)
            {
                throw data.Error("path", $"the path is given twice (source: {source} and path: {path}); keep one.");
            }
            argument = path ?? argument;
            // Each reader records the resolved path in source ("name:/full/path"), so the saved spec keeps one form.
            data.Resolved.Remove("path");
            if (argument.Length == 0)
            {
                throw data.Error("source", $"the {name} source needs a path: source: {name}:path/to/data (or source: {name} with path: path/to/data)");
            }
        }
        return registration.Read(data, argument, baseDirectory);
    }
}
