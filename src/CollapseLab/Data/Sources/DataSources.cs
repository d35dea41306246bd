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
            var choices = sources.All.Select(s => s.PathNames is not null ? s.Name + ":path" : s.Name);
            throw data.Error("source", $"unknown data source '{name}'; choose one of: {string.Join(", ", choices)}.{Suggestions.DidYouMean(name, sources.Names)}");
        }
        if (registration.PathNames is { } what)
        {
            argument = SourcePaths.Given(data, source, name, argument, what);
        }
        return registration.Read(data, argument, baseDirectory);
    }
}
