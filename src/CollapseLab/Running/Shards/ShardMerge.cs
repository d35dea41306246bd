using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Summaries;

namespace CollapseLab.Running.Shards;

/// <summary>
/// Merges a sharded run's chains into the run's files in DIR, exactly what the same spec run unsharded writes
/// (metrics, summary, composition, curation, samples, the index rows and the hooks' files, e.g. report.html).
/// Refuses an incomplete set or shards of another spec. Merging again rewrites the same files.
/// </summary>
public static class ShardMerge
{
    /// <param name="runsDirectory">Where the SQLite index lives (default: DIR's parent, like any run under runs/).</param>
    /// <param name="index">The index to record the run in instead, e.g. the team's PostgreSQL.</param>
    public static RunSummary Merge(string directory, string? runsDirectory = null, RunnerOptions? options = null, Extending.Catalog? catalog = null, IRunIndex? index = null)
    {
        var run = new ShardedRunFolder(directory);
        var hash = run.StoredHash()
            ?? throw new RunFolderException($"{run.Path}: no sharded run here (no {RunFolder.SpecFile} written by 'collapse run … --shard I/N --out {directory}').");
        var manifests = Manifests(run);
        var shards = manifests.Values.Select(m => m.Shards).Distinct().ToArray();
        if (shards.Length != 1)
        {
            throw new RunFolderException($"{run.ShardsPath}: the shards disagree on their count ({string.Join(", ", shards)}); a run is split one way. Delete the stray shard folders and rerun them.");
        }
        var count = shards[0];
        var foreign = manifests.Values.Where(m => m.SpecHash != hash).Select(m => m.Shard).ToArray();
        if (foreign.Length > 0)
        {
            throw new RunFolderException($"{run.Path}: shard(s) {string.Join(", ", foreign)} ran another spec than {RunFolder.SpecFile} (sha256 {hash}). Delete them and rerun them with this folder's spec.");
        }
        var notDone = Enumerable.Range(0, count).Where(i => !(manifests.TryGetValue(i, out var m) && m.Done)).ToArray();
        if (notDone.Length > 0)
        {
            var states = notDone.Select(i => manifests.TryGetValue(i, out var m) ? $"{i} ({m.Status})" : $"{i} (missing)");
            throw new RunFolderException($"{run.Path}: {notDone.Length} of {count} shards are not done: {string.Join(", ", states)}. Rerun each with 'collapse run {run.SpecPath} --shard I/{count} --out {run.Path}', then merge again.");
        }
        var spec = SpecLoader.LoadFile(run.SpecPath, catalog: catalog);
        var results = new ChainResult?[spec.ChainCount];
        for (var i = 0; i < count; i++)
        {
            foreach (var chain in run.Shard(i).Chains.ReadAll())
            {
                results[chain.Replicate * spec.Arms.Count + chain.Arm] = chain;
            }
        }
        var missing = Enumerable.Range(0, results.Length).Where(s => results[s] is null).ToArray();
        if (missing.Length > 0)
        {
            throw new RunFolderException($"{run.Path}: {missing.Length} chain(s) are in no shard's log (first: arm {missing[0] % spec.Arms.Count}, replicate {missing[0] / spec.Arms.Count}). Delete the shard folders that claim to be done and rerun them.");
        }
        GatherCalibration(run, count);
        return Write(run, spec, results.Select(r => r!).ToArray(), manifests.Values.Sum(m => m.Seconds), index ?? new SqliteIndex(runsDirectory ?? Path.GetDirectoryName(run.Path)!), options);
    }

    /// <summary>Every shard calibrated the monitors itself, from the spec alone; their thresholds must agree to the bit.</summary>
    private static void GatherCalibration(ShardedRunFolder run, int count)
    {
        var files = Enumerable.Range(0, count).Select(i => run.Shard(i).File(Monitoring.Calibration.FileName)).Where(File.Exists).ToList();
        if (files.Count == 0)
        {
            return;
        }
        var text = File.ReadAllText(files[0]);
        if (files.Skip(1).FirstOrDefault(f => File.ReadAllText(f) != text) is { } other)
        {
            throw new RunFolderException($"{other} differs from {files[0]}: the shards calibrated different thresholds, so they did not run the same build or spec. Rerun the shards with one build.");
        }
        AtomicFile.WriteText(Path.Combine(run.Path, Monitoring.Calibration.FileName), text);
    }

    /// <summary>Each arm's saved models (kept by whichever shard ran its replicate 0) go where an unsharded run keeps them.</summary>
    private static void GatherModels(ShardedRunFolder run, RunFolder folder)
    {
        foreach (var shardModels in Directory.GetDirectories(run.ShardsPath).Select(d => Path.Combine(d, "models")).Where(Directory.Exists))
        {
            foreach (var file in Directory.GetFiles(shardModels, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(folder.Path, "models", Path.GetRelativePath(shardModels, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
    }

    private static Dictionary<int, ShardManifest> Manifests(ShardedRunFolder run)
    {
        var manifests = new Dictionary<int, ShardManifest>();
        foreach (var folder in Directory.Exists(run.ShardsPath) ? Directory.GetDirectories(run.ShardsPath) : [])
        {
            if (int.TryParse(Path.GetFileName(folder), out var index) && ShardManifest.Load(run.Shard(index)) is { } manifest)
            {
                manifests[index] = manifest;
            }
        }
        if (manifests.Count == 0)
        {
            throw new RunFolderException($"{run.ShardsPath}: no shard has started. Run them with 'collapse run {run.SpecPath} --shard I/N --out {run.Path}'.");
        }
        return manifests;
    }

    private static RunSummary Write(ShardedRunFolder run, ExperimentSpec spec, ChainResult[] results, double seconds, IRunIndex index, RunnerOptions? options)
    {
        var folder = new RunFolder(run.Path);
        var started = Directory.GetCreationTimeUtc(run.ShardsPath);
        var summary = new RunSummary(spec, results);
        CsvExporter.WriteAll(folder, summary, results);
        GatherModels(run, folder);
        var info = new RunInfo
        {
            Id = folder.Id, Name = spec.Name, Status = "complete", Started = started, Finished = DateTime.UtcNow, Seconds = seconds,
            MetricsFile = CsvExporter.MetricsFileName(summary),
        };
        info.Save(folder);
        JsonExporter.Write(folder, info, summary);
        index.RecordRun(info, folder, File.ReadAllText(run.SpecPath), spec);
        index.RecordResults(info, summary);
        foreach (var hook in options?.AfterComplete ?? [])
        {
            hook(folder, summary);
        }
        return summary;
    }
}
