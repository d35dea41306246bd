using System.Text;
using CollapseLab.Reports;

namespace CollapseLab.Dashboard.Server;

/// <summary>The page's own files: the report's embedded Vega libraries and the dashboard's script and styles.</summary>
internal static class Assets
{
    internal sealed record Asset(string ContentType, byte[] Bytes);

    private static readonly Lazy<Dictionary<string, Asset>> All = new(Load);

    public static Asset? Find(string name) => All.Value.GetValueOrDefault(name);

    private static Dictionary<string, Asset> Load()
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        for (var i = 0; i < VegaLibraries.Files.Length; i++)
        {
            assets[VegaLibraries.Files[i]] = new Asset("text/javascript; charset=utf-8", Encoding.UTF8.GetBytes(VegaLibraries.Scripts[i]));
        }
        foreach (var (file, type) in new[] { ("dashboard.js", "text/javascript; charset=utf-8"), ("dashboard.css", "text/css; charset=utf-8") })
        {
            using var stream = typeof(Assets).Assembly.GetManifestResourceStream($"dashboard/{file}")
                ?? throw new InvalidOperationException($"{file} is missing from the CollapseLab.Dashboard assembly.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[file] = new Asset(type, copy.ToArray());
        }
        return assets;
    }
}
