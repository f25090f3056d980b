using System.Globalization;
using Npgsql;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// The PostgreSQL database of a silo. Without group commit: one <see cref="NpgsqlDataSource"/> (one connection pool,
/// sized by <see cref="StorageOptions.MaxPoolSize"/>) that Orleans' ADO.NET grain storage, membership and reminders
/// all open their connections from. With <see cref="StorageOptions.GroupCommit"/> the same
/// <see cref="StorageOptions.MaxPoolSize"/> is split into two pools (<see cref="SplitPool"/>): the grain-storage pool,
/// whose sessions commit with <c>synchronous_commit=off</c>, and the control pool (membership, reminders, schema,
/// health checks and the <see cref="DurabilityBarrier"/>), whose sessions commit synchronously.
/// </summary>
public static class PostgreSqlStore
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql's factory.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The DI key of the grain-storage data source (group commit only).</summary>
    public const string GrainStorageDataSourceKey = "civic-grain-storage";

    private const string ApplicationName = "civic-contracting-silo";

    /// <summary>
    /// The connection string the silo uses: the configured one with <see cref="StorageOptions.MaxPoolSize"/> as its
    /// pool size, an application name for <c>pg_stat_activity</c> unless one is set, and <c>synchronous_commit=on</c>
    /// for every session: a grain write is acknowledged only after its commit record is flushed to disk, whatever
    /// the server's default says ("acknowledged means durable").
    /// </summary>
    public static string ConnectionString(StorageOptions options) => ConnectionString(options, options.MaxPoolSize, synchronousCommit: true);

    /// <summary>
    /// The sizes of the silo's pools: all of <see cref="StorageOptions.MaxPoolSize"/> for one shared pool without group
    /// commit; with it, a small control pool (a quarter, 1 to 5 connections: membership, reminders and the barrier
    /// need few) and the rest for grain storage. Their sum is MaxPoolSize (at least 2, see
    /// <see cref="GroupCommitOptionsValidator"/>), so the sizing rule stays as documented.
    /// </summary>
    public static (int Control, int GrainStorage) SplitPool(StorageOptions options)
    {
        if (!options.GroupCommit)
            return (options.MaxPoolSize, 0);
        var control = Math.Clamp(options.MaxPoolSize / 4, 1, 5);
        return (control, Math.Max(1, options.MaxPoolSize - control));
    }

    /// <summary>The pool of the start-up checks, migrations of <c>migrate</c> and tests: all of MaxPoolSize, synchronous.</summary>
    public static NpgsqlDataSource Create(StorageOptions options) => NpgsqlDataSource.Create(ConnectionString(options));

    /// <summary>The silo's control pool (synchronous commit): membership, reminders, schema, health and, without group commit, grain storage.</summary>
    public static NpgsqlDataSource CreateControl(StorageOptions options) =>
        NpgsqlDataSource.Create(ConnectionString(options, SplitPool(options).Control, synchronousCommit: true));

    /// <summary>
    /// The grain-storage pool of group commit: every session commits with <c>synchronous_commit=off</c>, so a grain
    /// write returns without waiting for the WAL flush. Never acknowledge such a write before
    /// <see cref="DurabilityBarrier.WaitAsync"/> has returned (<see cref="GroupCommitGrainStorage"/> does that).
    /// </summary>
    public static NpgsqlDataSource CreateGrainStorage(StorageOptions options)
    {
        if (!options.GroupCommit)
            throw new InvalidOperationException($"{StorageOptions.SectionName}:GroupCommit is off: grain storage uses the control pool, which commits synchronously.");
        return NpgsqlDataSource.Create(ConnectionString(options, SplitPool(options).GrainStorage, synchronousCommit: false));
    }

    private static string ConnectionString(StorageOptions options, int maxPoolSize, bool synchronousCommit)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new InvalidOperationException($"{StorageOptions.SectionName}:ConnectionString is required for Profile '{StorageProfiles.PostgreSql}'.");
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            MaxPoolSize = maxPoolSize,
            Pooling = true,
        };
        if (builder.MinPoolSize > builder.MaxPoolSize)
            builder.MinPoolSize = builder.MaxPoolSize;
        if (string.IsNullOrWhiteSpace(builder.ApplicationName))
            builder.ApplicationName = synchronousCommit ? ApplicationName : ApplicationName + "-storage";
        var sessionOptions = builder.Options ?? "";
        if (synchronousCommit)
        {
            if (!sessionOptions.Contains("synchronous_commit", StringComparison.OrdinalIgnoreCase))
                builder.Options = string.Create(CultureInfo.InvariantCulture, $"{sessionOptions} -c synchronous_commit=on").Trim();
        }
        else
        {
            // Appended last, so it wins over a synchronous_commit the configured Options may carry.
            builder.Options = string.Create(CultureInfo.InvariantCulture, $"{sessionOptions} -c synchronous_commit=off").Trim();
            // Grain storage runs single statements and leaves no session state behind, so skip Npgsql's DISCARD ALL
            // on every return to the pool: it is an extra transaction on the server per grain write. (The control
            // pool keeps it: the migration's session advisory lock must never outlive its connection's use.)
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    /// <summary>"host:port/database" of a connection string, for messages (never the password).</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}");
    }
}
