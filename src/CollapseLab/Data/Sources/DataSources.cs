using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>The registry of real-data sources named by <c>data.source</c>: "gaussian", "csv:path", ….</summary>
public static class DataSources
{
    /// <summary>Reads the data section; the returned loader makes the experiment's data for a seed.</summary>
    public delegate Func<ulong, ExperimentData> Reader(SpecReader data, string argument, string baseDirectory);

    private static readonly Dictionary<string, Reader> Registry = new()
    {
        ["gaussian"] = (data, _, _) => GaussianSource.Read(data),
        ["csv"] = CsvSource.Read,
        ["linear"] = (data, _, _) => LinearSource.Read(data),
        ["npy"] = NpySource.Read,
        ["blobs"] = (data, _, _) => BlobsSource.Read(data),
        ["moons"] = (data, _, _) => ShapeSources.Moons(data),
        ["circles"] = (data, _, _) => ShapeSources.Circles(data),
        ["swiss_roll"] = (data, _, _) => ShapeSources.SwissRoll(data),
        ["mixture"] = (data, _, _) => MixtureSource.Read(data),
        ["text"] = TextSources.ReadText,
        ["wikitext"] = TextSources.ReadWikiText,
        ["kjv"] = TextSources.ReadKjv,
        ["zipf"] = (data, _, _) => ZipfSource.Read(data),
        ["fashion-mnist"] = ImageSources.ReadFashionMnist,
        ["idx"] = ImageSources.ReadIdx,
    };

    /// <summary>Sources that read a file or folder named after the colon.</summary>
    private static readonly HashSet<string> TakesPath = ["csv", "npy", "text", "wikitext"];

    public static IReadOnlyCollection<string> Names => Registry.Keys;

    public static Func<ulong, ExperimentData> Read(SpecReader data, string baseDirectory)
    {
        var source = data.String("source", "gaussian");
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? source : source[..colon];
        var argument = colon < 0 ? "" : source[(colon + 1)..];
        if (!Registry.TryGetValue(name, out var reader))
        {
            throw data.Error("source", $"unknown data source '{name}'; choose one of: {string.Join(", ", Registry.Keys.Select(k => TakesPath.Contains(k) ? k + ":path" : k))}.{Suggestions.DidYouMean(name, Registry.Keys)}");
        }
        if (TakesPath.Contains(name))
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
        return reader(data, argument, baseDirectory);
    }
}
