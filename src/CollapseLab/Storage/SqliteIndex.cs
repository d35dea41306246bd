using Microsoft.Data.Sqlite;
using CollapseLab.Summaries;

namespace CollapseLab.Storage;

/// <summary>
/// runs/collapselab.db: an index of runs, arms, per-generation summaries, metrics and composition. Each write is
/// one transaction, so a crash leaves the database as it was before, never half-updated.
/// </summary>
public sealed class SqliteIndex
{
    public const string FileName = "collapselab.db";

    private readonly string _connectionString;

    public SqliteIndex(string runsDirectory)
    {
        Directory.CreateDirectory(runsDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(runsDirectory, FileName),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, name TEXT NOT NULL, folder TEXT NOT NULL, status TEXT NOT NULL,
              started TEXT NOT NULL, finished TEXT, seconds REAL, seed INTEGER, generations INTEGER, replicates INTEGER, threads INTEGER, spec TEXT);
            CREATE TABLE IF NOT EXISTS arms (run_id TEXT NOT NULL, arm INTEGER NOT NULL, name TEXT NOT NULL, family TEXT, policy TEXT,
              samples_per_generation INTEGER, data TEXT, collapsed_chains INTEGER, PRIMARY KEY (run_id, arm));
            CREATE TABLE IF NOT EXISTS generations (run_id TEXT NOT NULL, arm INTEGER NOT NULL, generation INTEGER NOT NULL,
              real_share REAL, collapsed_share REAL, PRIMARY KEY (run_id, arm, generation));
            CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, arm INTEGER NOT NULL, generation INTEGER NOT NULL, metric TEXT NOT NULL,
              n INTEGER, n_finite INTEGER, mean REAL, ci_low REAL, ci_high REAL, median REAL, q025 REAL, q975 REAL, theory REAL,
              PRIMARY KEY (run_id, arm, generation, metric));
            CREATE TABLE IF NOT EXISTS composition (run_id TEXT NOT NULL, arm INTEGER NOT NULL, generation INTEGER NOT NULL, origin INTEGER NOT NULL,
              share REAL, PRIMARY KEY (run_id, arm, generation, origin));
            CREATE TABLE IF NOT EXISTS alarms (run_id TEXT NOT NULL, arm INTEGER NOT NULL, replicate INTEGER NOT NULL, generation INTEGER NOT NULL,
              signal TEXT NOT NULL, rule TEXT NOT NULL, value REAL, threshold REAL, action TEXT NOT NULL,
              PRIMARY KEY (run_id, arm, replicate, signal, rule));
            """);
        return connection;
    }

    /// <summary>Records (or updates) a run's row; called when it starts, stops and finishes.</summary>
    public void RecordRun(RunInfo info, RunFolder folder, string specYaml, Specs.ExperimentSpec spec)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        Execute(c, tx, """
            INSERT INTO runs (id, name, folder, status, started, finished, seconds, seed, generations, replicates, threads, spec)
            VALUES ($id, $name, $folder, $status, $started, $finished, $seconds, $seed, $generations, $replicates, $threads, $spec)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, finished = excluded.finished, seconds = excluded.seconds, threads = excluded.threads
            """,
            ("$id", info.Id), ("$name", info.Name), ("$folder", folder.Path), ("$status", info.Status),
            ("$started", info.Started.ToString("O")), ("$finished", info.Finished?.ToString("O")), ("$seconds", info.Seconds),
            ("$seed", (long)spec.Seed), ("$generations", spec.Generations), ("$replicates", spec.Replicates),
            ("$threads", info.Threads), ("$spec", specYaml));
        tx.Commit();
    }

    /// <summary>Stores a finished run's summary in one transaction.</summary>
    public void RecordResults(RunInfo info, RunSummary summary)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        var spec = summary.Spec;
        foreach (var table in new[] { "arms", "generations", "metrics", "composition", "alarms" })
        {
            Execute(c, tx, $"DELETE FROM {table} WHERE run_id = $id", ("$id", info.Id));
        }
        var collapsedIndex = summary.MetricIndex("collapsed");
        using var insertMetric = Prepare(c, tx, "INSERT INTO metrics VALUES ($r, $a, $g, $m, $n, $nf, $mean, $cl, $ch, $med, $ql, $qh, $th)");
        using var insertGeneration = Prepare(c, tx, "INSERT INTO generations VALUES ($r, $a, $g, $real, $collapsed)");
        using var insertComposition = Prepare(c, tx, "INSERT INTO composition VALUES ($r, $a, $g, $o, $s)");
        foreach (var arm in spec.Arms)
        {
            Execute(c, tx, "INSERT INTO arms VALUES ($r, $a, $name, $family, $policy, $m, $data, $collapsed)",
                ("$r", info.Id), ("$a", arm.Index), ("$name", arm.Name), ("$family", arm.Family.Name), ("$policy", arm.Policy.Describe()),
                ("$m", arm.SamplesPerGeneration), ("$data", arm.Data.Describe()), ("$collapsed", summary.Collapsed[arm.Index].Chains));
            for (var g = 0; g <= spec.Generations; g++)
            {
                var shares = summary.Composition[arm.Index, g];
                var realShare = shares.FirstOrDefault(s => s.Origin < 0).Share;
                Run(insertGeneration, ("$r", info.Id), ("$a", arm.Index), ("$g", g), ("$real", realShare),
                    ("$collapsed", collapsedIndex >= 0 ? Db(summary.Stats[arm.Index, g, collapsedIndex].Mean) : null));
                foreach (var (origin, share) in shares)
                {
                    Run(insertComposition, ("$r", info.Id), ("$a", arm.Index), ("$g", g), ("$o", origin), ("$s", share));
                }
                for (var m = 0; m < spec.Metrics.Count; m++)
                {
                    var s = summary.Stats[arm.Index, g, m];
                    Run(insertMetric, ("$r", info.Id), ("$a", arm.Index), ("$g", g), ("$m", spec.Metrics[m].Name), ("$n", s.Count),
                        ("$nf", s.Finite), ("$mean", Db(s.Mean)), ("$cl", Db(s.CiLow)), ("$ch", Db(s.CiHigh)), ("$med", Db(s.Median)),
                        ("$ql", Db(s.QuantileLow)), ("$qh", Db(s.QuantileHigh)), ("$th", s.Theory is { } t ? Db(t) : null));
                }
            }
        }
        using var insertAlarm = Prepare(c, tx, "INSERT INTO alarms VALUES ($r, $a, $rep, $g, $s, $rule, $v, $t, $act)");
        foreach (var (arm, replicate, alarm) in summary.Alarms)
        {
            Run(insertAlarm, ("$r", info.Id), ("$a", arm), ("$rep", replicate), ("$g", alarm.Generation), ("$s", alarm.Signal),
                ("$rule", alarm.Rule), ("$v", Db(alarm.Value)), ("$t", Db(alarm.Threshold)), ("$act", alarm.Action));
        }
        tx.Commit();
    }

    /// <summary>SQLite stores ±∞ as REAL but has no NaN: undefined values become NULL.</summary>
    private static object? Db(double value) => double.IsNaN(value) ? null : value;

    private static SqliteCommand Prepare(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static void Run(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        Run(command, parameters);
    }
}
