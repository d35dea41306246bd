using CollapseLab.Reports;
using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>
/// Runs found through a named store (--store or COLLAPSELAB_STORE): its rows say where each run's folder is, and
/// when that folder is on another machine they hold the run's statistics, which `show` and `compare` read instead.
/// </summary>
internal static class IndexedRuns
{
    /// <summary>A run by path or id under the runs folder, else by id (or unique id prefix) in the named store.</summary>
    public static RunRecord Find(string name, string runsDirectory, string? store)
    {
        if (RunFolder.Find(name, runsDirectory) is { } local)
        {
            return RunRecord.Load(local);
        }
        if (RunStore.Named(store) is null)
        {
            return RunRecord.Load(ReportCommand.Find(name, runsDirectory));
        }
        var index = RunStore.Open(store, runsDirectory);
        var runs = index.Runs();
        var matches = runs.Where(r => r.Id == name).ToList() is { Count: > 0 } exact ? exact : runs.Where(r => r.Id.StartsWith(name, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
        {
            throw new RunFolderException(matches.Count == 0
                ? $"no run '{name}' under {runsDirectory}/ nor in the index at {index.Location}. 'collapse list --store …' shows the runs there."
                : $"'{name}' names {matches.Count} runs in the index at {index.Location} ({string.Join(", ", matches.Take(5).Select(r => r.Id))}); give more of the id.");
        }
        var run = matches[0];
        var folder = new RunFolder(run.Folder);
        if (File.Exists(folder.File(RunFolder.SpecFile)))
        {
            return RunRecord.Load(folder);
        }
        return index.Results(run.Id) is { Summary.Count: > 0 } indexed
            ? RunRecord.FromIndex(indexed, index.Location)
            : throw new RunFolderException($"run {run.Id} is in the index at {index.Location} (status {run.Status}), but its folder {run.Folder} is not on this machine "
                + "and the index holds no results for it yet (they are written when the run completes, or when its shards are merged). "
                + "Mount the shared runs folder here, or show it once it has completed.");
    }
}
