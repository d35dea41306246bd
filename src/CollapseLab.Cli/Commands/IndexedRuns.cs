using CollapseLab.Storage;

namespace CollapseLab.Cli.Commands;

/// <summary>Runs found through a named store (--store or COLLAPSELAB_STORE): its rows say where each run's folder is.</summary>
internal static class IndexedRuns
{
    /// <summary>A run folder by path or id under the runs folder, else by id (or unique id prefix) in the named store.</summary>
    public static RunFolder Find(string name, string runsDirectory, string? store)
    {
        if (RunFolder.Find(name, runsDirectory) is { } local)
        {
            return local;
        }
        if (RunStore.Named(store) is null)
        {
            return ReportCommand.Find(name, runsDirectory);
        }
        var index = RunStore.Open(store, runsDirectory);
        var matches = index.Runs().Where(r => r.Id == name).ToList() is { Count: > 0 } exact ? exact : index.Runs().Where(r => r.Id.StartsWith(name, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
        {
            throw new RunFolderException(matches.Count == 0
                ? $"no run '{name}' under {runsDirectory}/ nor in the index at {index.Location}. 'collapse list --store …' shows the runs there."
                : $"'{name}' names {matches.Count} runs in the index at {index.Location} ({string.Join(", ", matches.Take(5).Select(r => r.Id))}); give more of the id.");
        }
        var run = matches[0];
        var folder = new RunFolder(run.Folder);
        return File.Exists(folder.File(RunFolder.SpecFile))
            ? folder
            : throw new RunFolderException($"run {run.Id} is in the index at {index.Location}, but its folder {run.Folder} is not on this machine: mount the shared runs folder there, or copy it.");
    }
}
