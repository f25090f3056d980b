using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// Brings a SQLite database up to the newest schema: applies every script of deploy/sqlite whose number is not yet
/// recorded in <c>CivicSchemaVersion</c>, in order, each in its own <c>BEGIN IMMEDIATE</c> transaction together with
/// its record, so a script is applied completely and once, even when two silos start on the same file. A later
/// change is a new script with the next number. Runs as an early silo lifecycle step, before the ADO.NET grain
/// storage reads its queries (stage <see cref="ServiceLifecycleStage.ApplicationServices"/>).
/// </summary>
public sealed partial class SqliteSchema(SqliteStore store, ILogger<SqliteSchema> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public const string VersionTable = "CivicSchemaVersion";
    private const string ResourcePrefix = "schema/sqlite/";

    private static readonly Lazy<IReadOnlyList<SchemaScript>> EmbeddedScripts = new(() => SchemaScript.LoadEmbedded(typeof(SqliteSchema).Assembly, ResourcePrefix, "deploy/sqlite"));

    /// <summary>The scripts shipped in this build, by version.</summary>
    public static IReadOnlyList<SchemaScript> Scripts => EmbeddedScripts.Value;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteSchema), ServiceLifecycleStage.RuntimeInitialize, ct => Task.Run(() => Apply(ct), ct));

    /// <summary>Applies the missing scripts; returns the versions applied by this call (none when up to date).</summary>
    public IReadOnlyList<int> Apply(CancellationToken cancellationToken = default) => ApplyUpTo(int.MaxValue, cancellationToken);

    /// <summary>Applies the missing scripts up to <paramref name="upToVersion"/>: a lower one makes the schema of an earlier release (upgrade tests).</summary>
    public IReadOnlyList<int> ApplyUpTo(int upToVersion, CancellationToken cancellationToken = default)
    {
        store.EnsureDirectory();
        using var connection = store.OpenConnection();
        var sqlite = (SqliteConnection)connection;
        EnsureWriteAheadLog(sqlite);
        Execute(sqlite, $"""
            CREATE TABLE IF NOT EXISTS {VersionTable}
            (
                Version   INTEGER NOT NULL PRIMARY KEY,
                Name      TEXT    NOT NULL,
                Sha256    TEXT    NOT NULL,
                AppliedAt TEXT    NOT NULL
            ) STRICT;
            """);

        var applied = new List<int>();
        foreach (var script in Scripts.Where(s => s.Version <= upToVersion))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = sqlite.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrator at a time
            var recorded = RecordedHash(sqlite, script.Version);
            if (recorded is not null)
            {
                if (!string.Equals(recorded, script.Sha256, StringComparison.Ordinal))
                    LogScriptChanged(script.Version, script.Name);
                continue; // disposing the transaction rolls back the (empty) transaction
            }
            Execute(sqlite, script.Sql);
            using (var record = sqlite.CreateCommand())
            {
                record.CommandText = $"INSERT INTO {VersionTable} (Version, Name, Sha256, AppliedAt) VALUES ($version, $name, $sha, $at);";
                record.Parameters.AddWithValue("$version", script.Version);
                record.Parameters.AddWithValue("$name", script.Name);
                record.Parameters.AddWithValue("$sha", script.Sha256);
                record.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }
            transaction.Commit();
            applied.Add(script.Version);
            LogApplied(script.Version, script.Name, store.DatabasePath);
        }
        if (applied.Count == 0)
            LogUpToDate(store.DatabasePath, Scripts.Count == 0 ? 0 : Scripts[^1].Version);
        return applied;
    }

    /// <summary>The versions recorded in the database, in order.</summary>
    public IReadOnlyList<int> RecordedVersions()
    {
        using var connection = (SqliteConnection)store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT Version FROM {VersionTable} ORDER BY Version;";
        using var reader = command.ExecuteReader();
        var versions = new List<int>();
        while (reader.Read())
            versions.Add(reader.GetInt32(0));
        return versions;
    }

    /// <summary>
    /// WAL lets readers run beside the one writer and makes a commit an append. The mode is stored in the file, so
    /// it is set once, when the database is new (or was made elsewhere in another mode).
    /// </summary>
    private void EnsureWriteAheadLog(SqliteConnection connection)
    {
        if (string.Equals(Scalar(connection, "PRAGMA journal_mode;"), "wal", StringComparison.OrdinalIgnoreCase))
            return;
        var mode = Scalar(connection, "PRAGMA journal_mode = WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused write-ahead logging for '{store.DatabasePath}' (journal mode stays '{mode}'); is the file on a network share?");
        LogWalEnabled(store.DatabasePath);
    }

    private static string? RecordedHash(SqliteConnection connection, int version)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT Sha256 FROM {VersionTable} WHERE Version = $version;";
        command.Parameters.AddWithValue("$version", version);
        return command.ExecuteScalar() as string;
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite schema {Version} ({Name}) applied to {Path}")]
    private partial void LogApplied(int version, string name, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite schema of {Path} is up to date (version {Version})")]
    private partial void LogUpToDate(string path, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite write-ahead logging enabled for {Path}")]
    private partial void LogWalEnabled(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite schema script {Version} ({Name}) differs from the one applied earlier; released scripts must not change: add a new script instead")]
    private partial void LogScriptChanged(int version, string name);
}
