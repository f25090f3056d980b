using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CivicContracting.Silo.Storage;

/// <summary>Where grain state lives (configuration section "Storage"). Validated when the host starts.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The name of the database file inside <see cref="DataDirectory"/>.</summary>
    public const string SqliteFileName = "civic-contracting.db";

    /// <summary><c>Sqlite</c> (the embedded default), <c>Memory</c> (tests; nothing survives a restart) or <c>PostgreSql</c> (production: grain storage, cluster membership and reminders in one PostgreSQL database).</summary>
    public string Profile { get; set; } = StorageProfiles.Sqlite;

    /// <summary>The folder of the SQLite file, relative to the content root unless absolute. Created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// An explicit connection string; for SQLite it replaces <see cref="DataDirectory"/>. Required for PostgreSQL, as an
    /// Npgsql connection string (<c>Host=…;Port=5432;Database=…;Username=…;Password=…</c>). Its pool size is replaced by
    /// <see cref="MaxPoolSize"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL only: the most connections this process opens to the server (Npgsql's <c>Maximum Pool Size</c>;
    /// it replaces the connection string's). Grain storage, membership and reminders share this one pool.
    /// <para>Sizing rule: every silo and every web host that reaches the database (N silos + M web hosts) may hold
    /// up to its own MaxPoolSize connections at once, so</para>
    /// <code>(N + M) × MaxPoolSize + superuser_reserved_connections + (other clients: psql, backups, migrations) ≤ max_connections</code>
    /// <para>With PostgreSQL's default <c>max_connections = 100</c> and 3 reserved, 4 silos + 2 web hosts fit with
    /// MaxPoolSize = 15 (90 + 3, leaving 7 for operators). A silo rarely needs more than a few connections per core:
    /// every statement is one short round trip (no interactive transactions), and a connection waits on the database,
    /// not on the grain. Raise max_connections (or put PgBouncer in front) rather than starve the pool.</para>
    /// <para>Checked at silo start against the server: <see cref="ExpectedHosts"/> × MaxPoolSize must fit into
    /// <c>max_connections</c> minus the reserved connections, otherwise the silo does not start and says which setting
    /// to change (rather than failing later, under load, with "too many clients").</para>
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>
    /// PostgreSQL only: how many processes (silos + web hosts, N + M) share the server with this <see cref="MaxPoolSize"/>;
    /// used by the start-up check of the sizing rule. Default 1 (this process alone).
    /// </summary>
    public int ExpectedHosts { get; set; } = 1;

    /// <summary>
    /// PostgreSQL only (default on): group commit of grain-state writes. Grain storage commits with
    /// <c>synchronous_commit=off</c> on its own pool, and each write is acknowledged only after one shared barrier
    /// transaction, committed synchronously after it, has flushed the WAL (<see cref="DurabilityBarrier"/>): many writes
    /// share one flush, and "acknowledged means durable" still holds. Off: every grain write commits synchronously on
    /// its own. With it on, <see cref="MaxPoolSize"/> is split between grain storage and the control pool
    /// (membership, reminders, barrier; <see cref="PostgreSqlStore.SplitPool"/>), so it must be at least 2.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>How long a statement waits for SQLite's write lock before it fails (PRAGMA busy_timeout).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// SQLite only: <c>PRAGMA synchronous</c> of every connection. <c>Full</c> (default): each commit is fsynced before
    /// the write is acknowledged, so an acknowledged write survives a power loss or an operating-system crash; with
    /// group commit that is one fsync per transaction, not per write. <c>Normal</c>: WAL is fsynced only at
    /// checkpoints: an acknowledged write survives a crash of the process (<c>kill -9</c>) but the last ones before a
    /// power loss may be lost. Measured cost: see the README ("Durability").
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>
    /// The SQLite connection string: the configured one, or a file in <see cref="DataDirectory"/> resolved against
    /// <paramref name="contentRoot"/>. Pooling stays on (opening a SQLite file is not free) and the command timeout
    /// follows <see cref="BusyTimeout"/> unless the connection string sets its own.
    /// </summary>
    public string SqliteConnectionString(string contentRoot)
    {
        SqliteConnectionStringBuilder builder;
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            builder = new SqliteConnectionStringBuilder(ConnectionString);
            if (!builder.ShouldSerialize("Default Timeout"))
                builder.DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds);
        }
        else
        {
            builder = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(Path.GetFullPath(DataDirectory, contentRoot), SqliteFileName),
                DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
                Mode = SqliteOpenMode.ReadWriteCreate,
            };
        }
        builder.Pooling = true;
        return builder.ToString();
    }
}

/// <summary>The values of <see cref="StorageOptions.SqliteSynchronous"/> (SQLite's <c>PRAGMA synchronous</c> levels that keep a WAL database consistent).</summary>
public enum SqliteSynchronous
{
    /// <summary>fsync at WAL checkpoints only: durable across a process crash, not across a power loss.</summary>
    Normal = 1,

    /// <summary>fsync of the WAL at every commit: durable across a power loss.</summary>
    Full = 2,
}

/// <summary>The storage profiles a silo can run with.</summary>
public static class StorageProfiles
{
    public const string Sqlite = "Sqlite";
    public const string Memory = "Memory";
    public const string PostgreSql = "PostgreSql";

    private static readonly string[] Known = [Sqlite, Memory, PostgreSql];

    /// <summary>The canonical spelling of a configured profile (case-insensitive; empty means the default, SQLite).</summary>
    public static string? Normalise(string? profile) => string.IsNullOrWhiteSpace(profile)
        ? Sqlite
        : Array.Find(Known, k => string.Equals(k, profile.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The silo's own check of group commit (registered by the silo's PostgreSQL profile only; a web host in client mode
/// opens one small membership pool and does not split it).
/// </summary>
public sealed class GroupCommitOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageProfiles.Normalise(options.Profile) == StorageProfiles.PostgreSql && options.GroupCommit && options.MaxPoolSize < 2
            ? ValidateOptionsResult.Fail($"{StorageOptions.SectionName}:MaxPoolSize must be at least 2 with {StorageOptions.SectionName}:GroupCommit=true (got {options.MaxPoolSize}): the silo splits it between the grain-storage pool, which commits asynchronously, and the control pool (membership, reminders, the durability barrier). Raise MaxPoolSize or set {StorageOptions.SectionName}:GroupCommit=false.")
            : ValidateOptionsResult.Success;
}

/// <summary>Checks the "Storage" section at start-up, with messages that name the setting and say what to do.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        var profile = StorageProfiles.Normalise(options.Profile);
        if (profile is null)
        {
            failures.Add($"{StorageOptions.SectionName}:Profile '{options.Profile}' is not a storage profile; use '{StorageProfiles.Sqlite}' (the embedded default), '{StorageProfiles.Memory}' (tests only: nothing survives a restart) or '{StorageProfiles.PostgreSql}'.");
        }
        else if (profile == StorageProfiles.PostgreSql)
        {
            ValidatePostgreSql(options, failures);
        }
        else if (profile == StorageProfiles.Sqlite)
        {
            ValidateSqlite(options, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidatePostgreSql(StorageOptions options, List<string> failures)
    {
        if (options.MaxPoolSize < 1 || options.MaxPoolSize > 1000)
            failures.Add($"{StorageOptions.SectionName}:MaxPoolSize must lie between 1 and 1000 (got {options.MaxPoolSize}); see the sizing rule: (silos + web hosts) × MaxPoolSize must stay below the server's max_connections.");
        if (options.ExpectedHosts < 1 || options.ExpectedHosts > 1000)
            failures.Add($"{StorageOptions.SectionName}:ExpectedHosts must lie between 1 and 1000 (got {options.ExpectedHosts}): the number of silos + web hosts that share the database.");
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{StorageOptions.SectionName}:ConnectionString is required for Profile '{StorageProfiles.PostgreSql}': an Npgsql connection string such as 'Host=127.0.0.1;Port=5432;Database=civic;Username=civic;Password=…'.");
            return;
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{StorageOptions.SectionName}:ConnectionString is not a valid PostgreSQL (Npgsql) connection string: {ex.Message}");
            return;
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            failures.Add($"{StorageOptions.SectionName}:ConnectionString must name the server (Host=…).");
        if (!builder.Pooling)
            failures.Add($"{StorageOptions.SectionName}:ConnectionString turns pooling off (Pooling=false); the silo needs the pool that {StorageOptions.SectionName}:MaxPoolSize sizes.");
    }

    private static void ValidateSqlite(StorageOptions options, List<string> failures)
    {
        if (!Enum.IsDefined(options.SqliteSynchronous))
            failures.Add($"{StorageOptions.SectionName}:SqliteSynchronous must be '{SqliteSynchronous.Full}' (default: every commit is flushed to disk) or '{SqliteSynchronous.Normal}' (faster, survives a process crash but not a power loss); got {(int)options.SqliteSynchronous}.");
        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
            failures.Add($"{StorageOptions.SectionName}:BusyTimeout must lie between 00:00:00.001 and 00:10:00 (got {options.BusyTimeout}).");

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            SqliteConnectionStringBuilder builder;
            try
            {
                builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{StorageOptions.SectionName}:ConnectionString is not a valid SQLite connection string: {ex.Message}");
                return;
            }
            if (string.IsNullOrWhiteSpace(builder.DataSource))
                failures.Add($"{StorageOptions.SectionName}:ConnectionString must name a database file (Data Source=...).");
            else if (builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
                failures.Add($"{StorageOptions.SectionName}:ConnectionString points at an in-memory SQLite database, which every pooled connection would see empty; use Profile '{StorageProfiles.Memory}' for a store that need not survive.");
            else if (builder.Mode == SqliteOpenMode.ReadOnly)
                failures.Add($"{StorageOptions.SectionName}:ConnectionString opens the database read-only; grain storage has to write.");
            return;
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{StorageOptions.SectionName}:DataDirectory is empty; name the folder for the SQLite file (default 'data') or set {StorageOptions.SectionName}:ConnectionString.");
        }
        else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{StorageOptions.SectionName}:DataDirectory '{options.DataDirectory}' contains characters that cannot be part of a path.");
        }
    }
}
