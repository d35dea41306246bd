namespace CollapseLab.Reports;

/// <summary>
/// vega, vega-lite and vega-embed as built into this assembly (see VegaLibraries.targets: npm ci at build time,
/// versions pinned in reports/package-lock.json), so a report carries its chart code and needs no network.
/// </summary>
public static class VegaLibraries
{
    public static readonly string[] Files = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"];

    private static readonly Lazy<string[]> Sources = new(() => Files.Select(Load).ToArray());

    public static IReadOnlyList<string> Scripts => Sources.Value;

    private static string Load(string file)
    {
        using var stream = typeof(VegaLibraries).Assembly.GetManifestResourceStream($"report/{file}")
            ?? throw new InvalidOperationException($"{file} is missing from the CollapseLab.Reports assembly; it is embedded at build time from reports/node_modules (npm ci).");
        using var reader = new StreamReader(stream);
        // A minified library could contain the text "</script" inside a string; split it so the page parser cannot end the element there.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}
