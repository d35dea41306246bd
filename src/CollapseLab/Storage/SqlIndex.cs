using System.Data.Common;
using System.Globalization;
using CollapseLab.Summaries;

namespace CollapseLab.Storage;

/// <summary>
/// The index's tables and writes, in the SQL that SQLite and PostgreSQL share (INSERT … ON CONFLICT DO UPDATE).
/// A store gives the connection, its column types and which failures are worth retrying (a busy SQLite file, a
/// PostgreSQL serialization failure); a write is retried whole, so it lands exactly once.
/// </summary>
public abstract class SqlIndex : IRunIndex
{
    private const int Attempts = 12;

    public abstract string Location { get; }

    /// <summary>An open connection whose tables exist.</summary>
    protected abstract DbConnection Connect();

    /// <summary>True for a failure that a later attempt of the same transaction can get past.</summary>
    protected abstract bool IsTransient(Exception e);

    public static readonly string[] Tables = ["runs", "arms", "generations", "metrics", "composition", "alarms", "shards", "chains"];

    private static readonly Dictionary<string, string> Keys = new()
    {
        ["runs"] = "id", ["arms"] = "arm", ["generations"] = "arm, generation", ["metrics"] = "arm, generation, metric",
        ["composition"] = "arm, generation, origin", ["alarms"] = "arm, replicate, signal, rule", ["shards"] = "shard", ["chains"] = "arm, replicate",
    };

    /// <summary>The schema, with the store's names for 64-bit integers and doubles.</summary>
    protected static string Schema(string integer, string real) => $"""
        CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, name TEXT NOT NULL, folder TEXT NOT NULL, status TEXT NOT NULL,
          started TEXT NOT NULL, finished TEXT, seconds {real}, seed {integer}, generations {integer}, replicates {integer}, threads {integer}, spec TEXT);
        CREATE TABLE IF NOT EXISTS arms (run_id TEXT NOT NULL, arm {integer} NOT NULL, name TEXT NOT NULL, family TEXT, policy TEXT,
          samples_per_generation {integer}, data TEXT, collapsed_chains {integer}, PRIMARY KEY (run_id, arm));
        CREATE TABLE IF NOT EXISTS generations (run_id TEXT NOT NULL, arm {integer} NOT NULL, generation {integer} NOT NULL,
          real_share {real}, collapsed_share {real}, PRIMARY KEY (run_id, arm, generation));
        CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, arm {integer} NOT NULL, generation {integer} NOT NULL, metric TEXT NOT NULL,
          n {integer}, n_finite {integer}, mean {real}, ci_low {real}, ci_high {real}, median {real}, q025 {real}, q975 {real}, theory {real},
          PRIMARY KEY (run_id, arm, generation, metric));
        CREATE TABLE IF NOT EXISTS composition (run_id TEXT NOT NULL, arm {integer} NOT NULL, generation {integer} NOT NULL, origin {integer} NOT NULL,
          share {real}, PRIMARY KEY (run_id, arm, generation, origin));
        CREATE TABLE IF NOT EXISTS alarms (run_id TEXT NOT NULL, arm {integer} NOT NULL, replicate {integer} NOT NULL, generation {integer} NOT NULL,
          signal TEXT NOT NULL, rule TEXT NOT NULL, value {real}, threshold {real}, action TEXT NOT NULL,
          PRIMARY KEY (run_id, arm, replicate, signal, rule));
        CREATE TABLE IF NOT EXISTS shards (run_id TEXT NOT NULL, shard {integer} NOT NULL, shards {integer} NOT NULL, spec_hash TEXT NOT NULL,
          status TEXT NOT NULL, chains {integer}, completed {integer}, seconds {real}, PRIMARY KEY (run_id, shard));
        CREATE TABLE IF NOT EXISTS chains (run_id TEXT NOT NULL, arm {integer} NOT NULL, replicate {integer} NOT NULL, address TEXT NOT NULL,
          shard {integer}, PRIMARY KEY (run_id, arm, replicate));
        """;

    public void RecordRun(RunInfo info, RunFolder folder, string specYaml, Specs.ExperimentSpec spec) => Write((c, tx) =>
        Execute(c, tx, """
            INSERT INTO runs (id, name, folder, status, started, finished, seconds, seed, generations, replicates, threads, spec)
            VALUES (@id, @name, @folder, @status, @started, @finished, @seconds, @seed, @generations, @replicates, @threads, @spec)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished = excluded.finished, seconds = excluded.seconds, threads = excluded.threads
            """,
            ("id", info.Id), ("name", info.Name), ("folder", folder.Path), ("status", info.Status),
            ("started", info.Started.ToString("O")), ("finished", info.Finished?.ToString("O")), ("seconds", info.Seconds),
            ("seed", (long)spec.Seed), ("generations", (long)spec.Generations), ("replicates", (long)spec.Replicates),
            ("threads", (long)info.Threads), ("spec", specYaml)));

    public void RecordResults(RunInfo info, RunSummary summary) => Write((c, tx) =>
    {
        var spec = summary.Spec;
        var collapsedIndex = summary.MetricIndex("collapsed");
        foreach (var arm in spec.Arms)
        {
            Execute(c, tx, """
                INSERT INTO arms VALUES (@r, @a, @name, @family, @policy, @m, @data, @collapsed)
                ON CONFLICT (run_id, arm) DO UPDATE SET name = excluded.name, family = excluded.family, policy = excluded.policy,
                  samples_per_generation = excluded.samples_per_generation, data = excluded.data, collapsed_chains = excluded.collapsed_chains
                """,
                ("r", info.Id), ("a", (long)arm.Index), ("name", arm.Name), ("family", arm.Family.Name), ("policy", arm.Policy.Describe()),
                ("m", (long)arm.SamplesPerGeneration), ("data", arm.Data.Describe()), ("collapsed", (long)summary.Collapsed[arm.Index].Chains));
        }
        using var generation = Prepare(c, tx, """
            INSERT INTO generations VALUES (@r, @a, @g, @real, @collapsed)
            ON CONFLICT (run_id, arm, generation) DO UPDATE SET real_share = excluded.real_share, collapsed_share = excluded.collapsed_share
            """);
        using var composition = Prepare(c, tx, """
            INSERT INTO composition VALUES (@r, @a, @g, @o, @s)
            ON CONFLICT (run_id, arm, generation, origin) DO UPDATE SET share = excluded.share
            """);
        using var metric = Prepare(c, tx, """
            INSERT INTO metrics VALUES (@r, @a, @g, @m, @n, @nf, @mean, @cl, @ch, @med, @ql, @qh, @th)
            ON CONFLICT (run_id, arm, generation, metric) DO UPDATE SET n = excluded.n, n_finite = excluded.n_finite, mean = excluded.mean,
              ci_low = excluded.ci_low, ci_high = excluded.ci_high, median = excluded.median, q025 = excluded.q025, q975 = excluded.q975, theory = excluded.theory
            """);
        foreach (var arm in spec.Arms)
        {
            for (var g = 0; g <= spec.Generations; g++)
            {
                var shares = summary.Composition[arm.Index, g];
                var realShare = shares.FirstOrDefault(s => s.Origin < 0).Share;
                Run(generation, ("r", info.Id), ("a", (long)arm.Index), ("g", (long)g), ("real", realShare),
                    ("collapsed", collapsedIndex >= 0 ? Db(summary.Stats[arm.Index, g, collapsedIndex].Mean) : null));
                foreach (var (origin, share) in shares)
                {
                    Run(composition, ("r", info.Id), ("a", (long)arm.Index), ("g", (long)g), ("o", (long)origin), ("s", share));
                }
                for (var m = 0; m < spec.Metrics.Count; m++)
                {
                    var s = summary.Stats[arm.Index, g, m];
                    Run(metric, ("r", info.Id), ("a", (long)arm.Index), ("g", (long)g), ("m", spec.Metrics[m].Name), ("n", (long)s.Count),
                        ("nf", (long)s.Finite), ("mean", Db(s.Mean)), ("cl", Db(s.CiLow)), ("ch", Db(s.CiHigh)), ("med", Db(s.Median)),
                        ("ql", Db(s.QuantileLow)), ("qh", Db(s.QuantileHigh)), ("th", s.Theory is { } t ? Db(t) : null));
                }
            }
        }
        using var alarm = Prepare(c, tx, """
            INSERT INTO alarms VALUES (@r, @a, @rep, @g, @s, @rule, @v, @t, @act)
            ON CONFLICT (run_id, arm, replicate, signal, rule) DO UPDATE SET generation = excluded.generation, value = excluded.value,
              threshold = excluded.threshold, action = excluded.action
            """);
        foreach (var (arm, replicate, a) in summary.Alarms)
        {
            Run(alarm, ("r", info.Id), ("a", (long)arm), ("rep", (long)replicate), ("g", (long)a.Generation), ("s", a.Signal),
                ("rule", a.Rule), ("v", Db(a.Value)), ("t", Db(a.Threshold)), ("act", a.Action));
        }
    });

    public void RecordShard(string runId, ShardManifest manifest) => Write((c, tx) =>
        Execute(c, tx, """
            INSERT INTO shards VALUES (@r, @i, @n, @hash, @status, @chains, @completed, @seconds)
            ON CONFLICT (run_id, shard) DO UPDATE SET shards = excluded.shards, spec_hash = excluded.spec_hash, status = excluded.status,
              chains = excluded.chains, completed = excluded.completed, seconds = excluded.seconds
            """,
            ("r", runId), ("i", (long)manifest.Shard), ("n", (long)manifest.Shards), ("hash", manifest.SpecHash), ("status", manifest.Status),
            ("chains", (long)manifest.Chains), ("completed", (long)manifest.Completed), ("seconds", manifest.Seconds)));

    public void RecordChains(string runId, int shard, IReadOnlyCollection<(int Arm, int Replicate, string Address)> chains) => Write((c, tx) =>
    {
        using var chain = Prepare(c, tx, """
            INSERT INTO chains VALUES (@r, @a, @k, @address, @i)
            ON CONFLICT (run_id, arm, replicate) DO UPDATE SET address = excluded.address, shard = excluded.shard
            """);
        foreach (var (arm, replicate, address) in chains)
        {
            Run(chain, ("r", runId), ("a", (long)arm), ("k", (long)replicate), ("address", address), ("i", (long)shard));
        }
    });

    public IReadOnlyList<IndexedRun> Runs() => Write((c, tx) =>
    {
        using var command = Prepare(c, tx, "SELECT id, name, folder, status, started, seconds, threads FROM runs ORDER BY started DESC, id");
        using var reader = command.ExecuteReader();
        var runs = new List<IndexedRun>();
        while (reader.Read())
        {
            runs.Add(new IndexedRun(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Real(reader, 5), Whole(reader, 6)));
        }
        return runs;
    });

    public IndexedResults? Results(string runId) => Write((c, tx) =>
    {
        using var runCommand = Prepare(c, tx, "SELECT id, name, folder, status, started, seconds, threads, spec, seed, replicates FROM runs WHERE id = @r");
        Bind(runCommand, ("r", runId));
        IndexedRun run;
        string spec;
        long seed;
        int replicates;
        using (var reader = runCommand.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }
            run = new IndexedRun(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Real(reader, 5), Whole(reader, 6));
            spec = reader.IsDBNull(7) ? "" : reader.GetString(7);
            seed = reader.IsDBNull(8) ? 0 : Convert.ToInt64(reader.GetValue(8), CultureInfo.InvariantCulture);
            replicates = Whole(reader, 9) ?? 0;
        }
        var arms = new List<IndexedArm>();
        using (var armCommand = Prepare(c, tx, "SELECT arm, name, family, policy, samples_per_generation, data, collapsed_chains FROM arms WHERE run_id = @r ORDER BY arm"))
        {
            Bind(armCommand, ("r", runId));
            using var reader = armCommand.ExecuteReader();
            while (reader.Read())
            {
                arms.Add(new IndexedArm(Whole(reader, 0)!.Value, reader.GetString(1), Text(reader, 2), Text(reader, 3), Text(reader, 5), Whole(reader, 4) ?? 0, Whole(reader, 6) ?? 0));
            }
        }
        var names = arms.ToDictionary(a => a.Index, a => a.Name);
        var summary = new List<SummaryRow>();
        using (var metricCommand = Prepare(c, tx, """
            SELECT arm, generation, metric, n, n_finite, mean, ci_low, ci_high, median, q025, q975, theory
            FROM metrics WHERE run_id = @r ORDER BY arm, generation, metric
            """))
        {
            Bind(metricCommand, ("r", runId));
            using var reader = metricCommand.ExecuteReader();
            while (reader.Read())
            {
                var arm = Whole(reader, 0)!.Value;
                summary.Add(new SummaryRow(names.GetValueOrDefault(arm) ?? $"arm {arm}", Whole(reader, 1)!.Value, reader.GetString(2), Whole(reader, 3) ?? 0,
                    Whole(reader, 4) ?? 0, Real(reader, 5) ?? double.NaN, double.NaN, Real(reader, 6) ?? double.NaN, Real(reader, 7) ?? double.NaN,
                    Real(reader, 8) ?? double.NaN, Real(reader, 9) ?? double.NaN, Real(reader, 10) ?? double.NaN, Real(reader, 11)));
            }
        }
        return new IndexedResults(run, spec, seed, replicates, arms, summary);
    });

    private static double? Real(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static int? Whole(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static string Text(DbDataReader reader, int i) => reader.IsDBNull(i) ? "" : reader.GetString(i);

    public IReadOnlyList<string> Rows(string table, string runId)
    {
        var key = Keys.GetValueOrDefault(table) ?? throw new ArgumentException($"no table '{table}' in the index", nameof(table));
        var column = table == "runs" ? "id" : "run_id";
        return Write((c, tx) =>
        {
            using var command = Prepare(c, tx, $"SELECT * FROM {table} WHERE {column} = @r ORDER BY {key}");
            Bind(command, ("r", runId));
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                var cells = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                rows.Add(string.Join('|', cells));
            }
            return rows;
        });
    }

    /// <summary>One transaction, retried whole while the store says the failure is transient (with growing, jittered waits).</summary>
    protected T Write<T>(Func<DbConnection, DbTransaction, T> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var c = Connect();
                using var tx = c.BeginTransaction();
                var result = work(c, tx);
                tx.Commit();
                return result;
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e))
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(System.Random.Shared.Next(10, 40) << Math.Min(attempt, 6)));
            }
        }
    }

    private void Write(Action<DbConnection, DbTransaction> work) => Write<bool>((c, tx) =>
    {
        work(c, tx);
        return true;
    });

    /// <summary>Neither store keeps NaN in a way both read back alike: undefined values become NULL.</summary>
    private static object? Db(double value) => double.IsNaN(value) ? null : value;

    private static DbCommand Prepare(DbConnection c, DbTransaction tx, string sql)
    {
        var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(DbCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
    }

    private static void Run(DbCommand command, params (string Name, object? Value)[] parameters)
    {
        Bind(command, parameters);
        command.ExecuteNonQuery();
    }

    private static void Execute(DbConnection c, DbTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Prepare(c, tx, sql);
        Run(command, parameters);
    }
}
