using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// The SQLite database of a silo, as the <see cref="DbDataSource"/> that Orleans' ADO.NET grain storage opens its
/// connections from. Two things make it more than a connection string:
/// <list type="bullet">
/// <item>Microsoft.Data.Sqlite does all its work synchronously, "async" methods included, and the ADO.NET provider
/// would therefore run every statement on the grain's own scheduler thread, blocking the grain's turn (and with it
/// every grain queued behind it) for as long as the statement waits for the write lock. Opening asynchronously
/// here moves to the thread pool first; the provider continues with <c>ConfigureAwait(false)</c>, so the
/// statement runs there too and the grain resumes when it is done.</item>
/// <item>Per-connection settings that no connection-string keyword reaches: <c>PRAGMA busy_timeout</c> (SQLite
/// then waits for the lock in fine steps; otherwise Microsoft.Data.Sqlite retries every 150 ms) and
/// <c>PRAGMA synchronous</c> (<see cref="StorageOptions.SqliteSynchronous"/>: <c>FULL</c> by default, an fsync of the
/// WAL per commit, so an acknowledged write survives a power loss; <c>NORMAL</c> only survives a process crash). Both hold for the life of the pooled connection; setting them again on reuse costs microseconds.</item>
/// </list>
/// The journal mode is a property of the file and is set once by <see cref="SqliteSchema"/>.
/// </summary>
public sealed class SqliteStore : DbDataSource
{
    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteStore(string connectionString, TimeSpan busyTimeout, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        if (!Enum.IsDefined(synchronous))
            throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, "Full or Normal.");
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        DatabasePath = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        _pragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()};");
        Synchronous = synchronous;
    }

    /// <summary>The <c>PRAGMA synchronous</c> level every connection of this store runs with.</summary>
    public SqliteSynchronous Synchronous { get; }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    public override string ConnectionString => _connectionString;

    /// <summary>Creates the folder of the database file if it is missing, with a message that names it if that fails.</summary>
    public void EnsureDirectory()
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (string.IsNullOrEmpty(directory))
            return;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new InvalidOperationException(
                $"The data directory '{directory}' for the SQLite database cannot be created ({ex.Message}). Set {StorageOptions.SectionName}:DataDirectory to a writable folder.", ex);
        }
    }

    protected override DbConnection CreateDbConnection() => new SqliteConnection(_connectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default) =>
        new(Task.Run(OpenDbConnection, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            ClearPool();
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        ClearPool();
        await base.DisposeAsyncCore();
    }

    /// <summary>Closes the pooled handles so that the file (and its -wal and -shm companions) is released at shutdown.</summary>
    private void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
