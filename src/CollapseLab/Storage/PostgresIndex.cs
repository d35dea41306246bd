using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace CollapseLab.Storage;

/// <summary>
/// The index on a PostgreSQL server, for a team sharing runs: the same tables as <see cref="SqliteIndex"/>. The
/// tables are created once per process under an advisory lock (concurrent CREATE TABLE IF NOT EXISTS can collide
/// in the catalog); serialization failures and deadlocks are retried whole.
/// </summary>
public sealed class PostgresIndex : SqlIndex
{
    private const long SchemaLock = 0x636f6c6c61707365;

    private static readonly ConcurrentDictionary<string, bool> Ready = new();

    private readonly string _connectionString;
    private readonly string _host;
    private readonly int _port;

    public PostgresIndex(NpgsqlConnectionStringBuilder builder)
    {
        _host = builder.Host ?? "localhost";
        _port = builder.Port;
        Location = $"postgresql://{_host}:{_port}/{builder.Database}";
        _connectionString = builder.ConnectionString;
    }

    public override string Location { get; }

    protected override DbConnection Connect()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
        }
        catch (Exception e)
        {
            connection.Dispose();
            if (e is NpgsqlException or SocketException or TimeoutException && !IsTransient(e))
            {
                throw Unreachable(e);
            }
            throw;
        }
        try
        {
            if (!Ready.ContainsKey(_connectionString))
            {
                using var tx = connection.BeginTransaction();
                using var command = connection.CreateCommand();
                command.Transaction = tx;
                command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLock});\n" + Schema("BIGINT", "DOUBLE PRECISION");
                command.ExecuteNonQuery();
                tx.Commit();
                Ready[_connectionString] = true;
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>40001 serialization failure, 40P01 deadlock: the server rolled the transaction back and asks for it again; 53300: every connection slot is taken for now.</summary>
    protected override bool IsTransient(Exception e) => e is PostgresException { SqlState: "40001" or "40P01" or "53300" };

    private StoreException Unreachable(Exception e)
    {
        var reason = e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : Innermost(e).Message;
        return new StoreException($"the PostgreSQL index at {_host}:{_port} does not answer ({reason}). Start the server, or fix the host and port in --store / COLLAPSELAB_STORE (postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE).", e);
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
