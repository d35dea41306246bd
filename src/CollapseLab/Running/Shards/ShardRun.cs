using System.Diagnostics;
using System.Globalization;
using CollapseLab.Specs;
using CollapseLab.Storage;
using CollapseLab.Tensors;

namespace CollapseLab.Running.Shards;

/// <summary>
/// Runs shard I of N of an experiment into DIR/shards/I/: only the chains <see cref="ShardPlan"/> gives it. Chains
/// already in the shard's log are never recomputed and unfinished ones resume from their checkpoints, so a rerun
/// after a failure only does what is left. Each chain computed here is listed in chains.log with its address.
/// </summary>
public sealed class ShardRun
{
    private readonly ShardedRunFolder _run;
    private readonly string _hash;
    private readonly RunFolder _folder;
    private readonly Lock _logGate = new();
    private readonly IRunIndex _index;
    private List<(int Arm, int Replicate, string Address)> _unrecorded = [];
    private readonly Stopwatch _sinceRecorded = Stopwatch.StartNew();

    /// <summary>
    /// How often computed chains go to the index while the shard runs. One transaction per chain cost a shard of
    /// 500 chains more CPU than its start-up; the chain log is the record that counts, and every chain in it is
    /// recorded again when the shard ends (also those of an earlier run that was killed before it recorded them).
    /// </summary>
    private static readonly TimeSpan RecordInterval = TimeSpan.FromSeconds(5);

    /// <param name="index">Where the shard's progress is indexed (default: SQLite in DIR's parent, where merge records the run).</param>
    public ShardRun(ExperimentSpec spec, string directory, int shard, int shards, Compute compute, RunnerOptions? options = null, IRunIndex? index = null)
    {
        if (shards < 1 || shard < 0 || shard >= shards)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), $"shard {shard} of {shards}: the index runs from 0 to N − 1 and N ≥ 1");
        }
        Spec = spec;
        Shard = shard;
        Shards = shards;
        _run = new ShardedRunFolder(directory);
        _hash = Claim(spec, _run);
        _folder = _run.Shard(shard);
        _index = index ?? new SqliteIndex(Path.GetDirectoryName(_run.Path)!);
        Directory.CreateDirectory(_folder.Path);
        if (ShardManifest.Load(_folder) is { } previous && (previous.Shards != shards || previous.SpecHash != _hash))
        {
            throw new RunFolderException($"{_folder.Path} was shard {previous.Shard} of {previous.Shards} (spec {previous.SpecHash}); this is shard {shard} of {shards} (spec {_hash}). Rerun with --shard {previous.Shard}/{previous.Shards}, or use a new --out folder.");
        }
        Slots = ShardPlan.Slots(spec, shard, shards);
        Runner = new ExperimentRunner(spec, _folder, compute)
        {
            Slots = Slots,
            CheckpointInterval = options?.CheckpointInterval ?? RunnerOptions.DefaultCheckpointInterval,
            AfterGeneration = options?.AfterGeneration,
            ChainFinished = LogComputed,
        };
    }

    /// <summary>Makes <paramref name="run"/> the folder of this spec's shards (or checks it is); returns the spec's hash.</summary>
    public static string Claim(ExperimentSpec spec, ShardedRunFolder run)
    {
        var hash = ShardedRunFolder.Hash(ResolvedYaml.Canonical(spec.Resolved));
        run.Claim(ResolvedYaml.Write(spec.Resolved), hash);
        return hash;
    }

    public ExperimentSpec Spec { get; }

    public int Shard { get; }

    public int Shards { get; }

    public IReadOnlyList<int> Slots { get; }

    public ExperimentRunner Runner { get; }

    public string Folder => _folder.Path;

    /// <summary>Runs what is left of this shard; true when it is done, false when stopped (rerun it to continue).</summary>
    public bool Execute(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var seconds = ShardManifest.Load(_folder)?.Seconds ?? 0;
        Save("running", 0, seconds);
        ChainResult[]? results;
        try
        {
            results = Runner.Run(cancel);
        }
        catch
        {
            Finish("failed", _folder.Chains.ReadAll(), seconds + clock.Elapsed.TotalSeconds);
            throw;
        }
        Finish(results is null ? "stopped" : "done", (IReadOnlyList<ChainResult>?)results ?? _folder.Chains.ReadAll(), seconds + clock.Elapsed.TotalSeconds);
        if (results is not null)
        {
            _folder.DeleteCheckpoints();
        }
        return results is not null;
    }

    /// <summary>Records every chain in the shard's log in the index, then the shard's final state.</summary>
    private void Finish(string status, IReadOnlyList<ChainResult> logged, double seconds)
    {
        lock (_logGate)
        {
            _unrecorded = [];
        }
        _index.RecordChains(RunId, Shard, [.. logged.Select(c => (c.Arm, c.Replicate, ShardedRunFolder.ChainAddress(_hash, c.Arm, c.Replicate)))]);
        Save(status, logged.Count, seconds);
    }

    private void Save(string status, int completed, double seconds)
    {
        var manifest = new ShardManifest { SpecHash = _hash, Shard = Shard, Shards = Shards, Status = status, Chains = Slots.Count, Completed = completed, Seconds = seconds };
        manifest.Save(_folder);
        _index.RecordShard(RunId, manifest);
    }

    /// <summary>The run's id in the index: its folder's name, as merge records it.</summary>
    private string RunId => Path.GetFileName(_run.Path);

    private void LogComputed(ChainResult chain)
    {
        var address = ShardedRunFolder.ChainAddress(_hash, chain.Arm, chain.Replicate);
        var line = string.Create(CultureInfo.InvariantCulture, $"computed arm={chain.Arm} replicate={chain.Replicate} address={address} at={DateTime.UtcNow:O}\n");
        List<(int, int, string)>? batch = null;
        lock (_logGate)
        {
            File.AppendAllText(_folder.File("chains.log"), line);
            _unrecorded.Add((chain.Arm, chain.Replicate, address));
            if (_sinceRecorded.Elapsed >= RecordInterval)
            {
                (batch, _unrecorded) = (_unrecorded, []);
                _sinceRecorded.Restart();
            }
        }
        if (batch is not null)
        {
            _index.RecordChains(RunId, Shard, batch);
        }
    }
}
