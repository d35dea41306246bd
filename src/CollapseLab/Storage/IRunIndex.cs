using CollapseLab.Summaries;

namespace CollapseLab.Storage;

/// <summary>
/// The index of runs (runs, arms, generations, metrics, composition) and of sharded runs' progress (shards, chains):
/// SQLite beside the run folders by default, PostgreSQL for a team. Every write is an idempotent upsert in one
/// transaction, so concurrent shards, reruns and duplicated shards never duplicate or lose a row.
/// </summary>
public interface IRunIndex
{
    /// <summary>Where the index is, for messages (a file, or host:port/database).</summary>
    string Location { get; }

    /// <summary>Records (or updates) a run's row; called when it starts, stops and finishes.</summary>
    void RecordRun(RunInfo info, RunFolder folder, string specYaml, Specs.ExperimentSpec spec);

    /// <summary>Stores a finished run's summary.</summary>
    void RecordResults(RunInfo info, RunSummary summary);

    /// <summary>A shard's state, as in its shard.json.</summary>
    void RecordShard(string runId, ShardManifest manifest);

    /// <summary>Chains a shard has computed, each under its content address, in one transaction.</summary>
    void RecordChains(string runId, int shard, IReadOnlyCollection<(int Arm, int Replicate, string Address)> chains);

    /// <summary>Every run, newest first.</summary>
    IReadOnlyList<IndexedRun> Runs();

    /// <summary>A run's arms and statistics as stored here (no folder needed); null when the index has no such run.</summary>
    IndexedResults? Results(string runId);

    /// <summary>A table's rows for one run, each as invariant text in key order: what two stores are compared by.</summary>
    IReadOnlyList<string> Rows(string table, string runId);
}

/// <summary>A run's row in the index.</summary>
public sealed record IndexedRun(string Id, string Name, string Folder, string Status, string Started, double? Seconds, int? Threads);
