namespace CollapseLab.Data.Sources;

internal static class SourcePaths
{
    /// <summary>Paths in a spec are relative to the spec file's folder; absolute paths are kept.</summary>
    public static string Resolve(string path, string baseDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
}
