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

    /// <summary>Sources that read a file or folder (named after the colon or under <c>path:</c>), and what it is.</summary>
    private static readonly Dictionary<string, string> TakesPath = new()
    {
        ["csv"] = "a CSV file",
        ["npy"] = "a NumPy .npy file",
        ["text"] = "a UTF-8 text file or a folder of them",
        ["wikitext"] = "the folder of WikiText's raw release",
        ["idx"] = "an IDX image file",
    };

    public static IReadOnlyCollection<string> Names => Registry.Keys;

    public static Func<ulong, ExperimentData> Read(SpecReader data, string baseDirectory)
    {
        var source = data.String("source", "gaussian");
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? source : source[..colon];
        var argument = colon < 0 ? "" : source[(colon + 1)..];
        if (!Registry.TryGetValue(name, out var reader))
        {
            throw data.Error("source", $"unknown data source '{name}'; choose one of: {string.Join(", ", Registry.Keys.Select(k => TakesPath.ContainsKey(k) ? k + ":path" : k))}.{Suggestions.DidYouMean(name, Registry.Keys)}");
        }
        if (TakesPath.TryGetValue(name, out var what))
        {
            argument = SourcePaths.Given(data, source, name, argument, what);
        }
        return reader(data, argument, baseDirectory);
    }
}
