using System.Collections.Concurrent;
using CollapseLab.Dashboard.Live;
using CollapseLab.Storage;

namespace CollapseLab.Dashboard.Server;

/// <summary>
/// The one folder the dashboard serves. A URL path maps to a file only if every segment is a plain name (no ".",
/// "..", backslash or NUL) and the path, with every symbolic link on it resolved, is still inside the folder (itself
/// resolved); anything else is "not found". Checked per request, so a link created later is caught too; a link swapped
/// between the check and the read is not (the server reads, never writes, and only for whoever can reach it).
/// </summary>
public sealed class RunsDirectory
{
    private const int MaxLinks = 40;
    private readonly ConcurrentDictionary<string, Lazy<LiveRun>> _runs = new(StringComparer.Ordinal);

    public RunsDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new RunFolderException($"--runs: no folder {full}. Give the folder that holds your run folders (default: runs).");
        }
        Root = RealPath(full) ?? full;
    }

    /// <summary>The folder, symbolic links resolved.</summary>
    public string Root { get; }

    /// <summary>The file or folder at <paramref name="relative"/> ('/'-separated, already URL-decoded) inside the root, or null.</summary>
    public string? Resolve(string relative)
    {
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".." || s.AsSpan().IndexOfAny('\\', '\0') >= 0))
        {
            return null;
        }
        var real = RealPath(Path.Combine([Root, .. segments]));
        return real is not null && Inside(real) && (File.Exists(real) || Directory.Exists(real)) ? real : null;
    }

    /// <summary>The run folder named <paramref name="id"/> (one path segment holding spec.yaml), or null.</summary>
    public LiveRun? Run(string id)
    {
        if (id.Contains('/', StringComparison.Ordinal) || Resolve(id) is not { } path || !Directory.Exists(path)
            || !File.Exists(Path.Combine(path, RunFolder.SpecFile)))
        {
            return null;
        }
        try
        {
            return _runs.GetOrAdd(path, p => new Lazy<LiveRun>(() => new LiveRun(new RunFolder(p)))).Value;
        }
        catch (RunFolderException)
        {
            _runs.TryRemove(path, out _);
            return null;
        }
    }

    /// <summary>The run folders directly inside the root (those holding spec.yaml), each as it is now, newest first.</summary>
    public List<RunSnapshot> Runs() =>
        Directory.EnumerateDirectories(Root)
            .Select(d => Run(Path.GetFileName(d)))
            .OfType<LiveRun>()
            .Select(r => r.Refresh())
            .OrderByDescending(s => s.Started ?? DateTime.MinValue)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();

    private bool Inside(string path) =>
        path == Root || path.StartsWith(Root.EndsWith('/') ? Root : Root + "/", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="path"/> with every symbolic link resolved, component by component (a link's target may be
    /// relative, or itself pass through links); null past <see cref="MaxLinks"/> links (a loop).
    /// </summary>
    internal static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var links = 0; links <= MaxLinks; links++)
        {
            var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var current = "/";
            string? next = null;
            for (var i = 0; i < parts.Length; i++)
            {
                var step = Path.Combine(current, parts[i]);
                if (new FileInfo(step).LinkTarget is { } target)
                {
                    var resolved = Path.GetFullPath(target, current);
                    next = i + 1 < parts.Length ? Path.Combine([resolved, .. parts[(i + 1)..]]) : resolved;
                    break;
                }
                current = step;
            }
            if (next is null)
            {
                return current;
            }
            full = next;
        }
        return null;
    }
}
