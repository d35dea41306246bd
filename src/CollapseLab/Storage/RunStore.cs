using Npgsql;

namespace CollapseLab.Storage;

/// <summary>
/// Which index a command writes and reads: --store, else COLLAPSELAB_STORE, else SQLite in the runs folder.
/// A store is `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]` or `sqlite:PATH`.
/// </summary>
public static class RunStore
{
    public const string Variable = "COLLAPSELAB_STORE";

    private const string Shape = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE or sqlite:PATH";

    /// <summary>The store named by <paramref name="store"/> or the environment, or null for the default.</summary>
    public static string? Named(string? store) => store ?? (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null);

    public static IRunIndex Open(string? store, string runsDirectory) => Named(store) is { } url ? Parse(url, store is null ? Variable : "--store") : new SqliteIndex(runsDirectory);

    /// <param name="source">Where the URL came from, for the message: --store or COLLAPSELAB_STORE.</param>
    public static IRunIndex Parse(string url, string source)
    {
        if (url.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = url["sqlite:".Length..];
            return path.Length > 0 ? SqliteIndex.AtFile(path) : throw Bad(source, url, "name the database file after 'sqlite:'");
        }
        if (!url.StartsWith("postgresql://", StringComparison.Ordinal) && !url.StartsWith("postgres://", StringComparison.Ordinal))
        {
            throw Bad(source, url, "it starts with neither postgresql:// nor sqlite:");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw Bad(source, url, "it has no host (or a malformed one, or a port that is not a number from 1 to 65535)");
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw Bad(source, url, "name one database after the host: …@HOST:PORT/DATABASE");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
            Timeout = 15,
            CommandTimeout = 60,
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }
        if (user.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)) : (pair, "");
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw Bad(source, url, $"its parameter '{key}' is not a PostgreSQL connection setting with that value ({e.Message})");
            }
        }
        return new PostgresIndex(builder);
    }

    private static StoreException Bad(string source, string url, string why) =>
        new($"{source} {Redact(url)}: {why}. Write {Shape}.");

    /// <summary>The URL without its password, for messages.</summary>
    private static string Redact(string url) =>
        System.Text.RegularExpressions.Regex.Replace(url, "(//[^:/@]*):[^@/]*@", "$1:***@");
}
