using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CollapseLab.Storage;

/// <summary>
/// runs/collapselab.db, the embedded index. Many shard processes may write it at once: the file is in WAL mode
/// (readers never block the writer), a writer waits up to 30 s for the lock, and a transaction that still finds
/// the database busy is retried whole, so no writer fails with "database is locked". A connection per write keeps
/// no file open between writes; opening one is cheap once the tables exist.
/// </summary>
public sealed class SqliteIndex : SqlIndex
{
    public const string FileName = "collapselab.db";

    private static readonly ConcurrentDictionary<string, bool> Ready = new();

    private readonly string _connectionString;

    public SqliteIndex(string runsDirectory) : this(runsDirectory, FileName)
    {
    }

    private SqliteIndex(string directory, string fileName)
    {
        Directory.CreateDirectory(directory);
        Location = Path.GetFullPath(Path.Combine(directory, fileName));
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Location, Pooling = false, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>An index in the database file <paramref name="path"/> (a `sqlite:PATH` store).</summary>
    public static SqliteIndex AtFile(string path) => new(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path));

    public override string Location { get; }

    protected override DbConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // synchronous=NORMAL is WAL's usual setting: a commit no longer waits for fsync, and the file stays consistent.
            // The journal mode and the tables persist in the file, so they are set once per process.
            command.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;"
                + (Ready.ContainsKey(Location) && File.Exists(Location) ? "" : "\nPRAGMA journal_mode=WAL;\n" + Schema("INTEGER", "REAL"));
            command.ExecuteNonQuery();
            Ready[Location] = true;
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>SQLITE_BUSY and SQLITE_LOCKED: another process holds the lock longer than the busy timeout, or a WAL snapshot went stale.</summary>
    protected override bool IsTransient(Exception e) => e is SqliteException { SqliteErrorCode: 5 or 6 };
}
