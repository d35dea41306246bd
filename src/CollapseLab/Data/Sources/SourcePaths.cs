using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

internal static class SourcePaths
{
    /// <summary>Paths in a spec are relative to the spec file's folder; absolute paths are kept.</summary>
    public static string Resolve(string path, string baseDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));

    /// <summary>
    /// The path a file source reads, written after the colon (<c>source: csv:rows.csv</c>) or, as users also write
    /// it, under its own key (<c>source: csv</c> with <c>path: rows.csv</c>): one of the two, not both, not neither.
    /// <paramref name="what"/> says what the path names, e.g. "an IDX image file".
    /// </summary>
    public static string Given(SpecReader data, string source, string name, string argument, string what)
    {
        var path = data.OptionalString("path");
        if (path is not null && argument.Length > 0)
        {
            throw data.Error("path", $"the path is given twice (source: {source} and path: {path}); keep one.");
        }
        // Each reader records the resolved path in source ("name:/full/path"), so the saved spec keeps one form.
        data.Resolved.Remove("path");
        var given = path ?? argument;
        if (given.Length == 0)
        {
            throw data.Error("source", $"the {name} source needs the path of {what}: source: {name}:path/to/it (or source: {name} with path: path/to/it)");
        }
        return given;
    }
}
