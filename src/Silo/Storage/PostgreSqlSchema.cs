using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// Checks the PostgreSQL server and brings its schema up to date when a silo starts, before grain storage,
/// membership or reminders read their queries (silo lifecycle stage just before
/// <see cref="ServiceLifecycleStage.RuntimeInitialize"/>, where membership initialises its table).
/// <list type="number">
/// <item>Start-up checks: the server answers, <c>synchronous_commit</c> is on for our sessions, and
/// <see cref="StorageOptions.ExpectedHosts"/> × <see cref="StorageOptions.MaxPoolSize"/> fits into the server's
/// <c>max_connections</c> minus its reserved connections. A failure stops the start with a message that names the
/// setting to change.</item>
/// <item>Migration: under a session advisory lock (so silos starting together migrate one at a time), creates
/// <c>civic_schema_version</c> when missing, then applies each script of deploy/postgresql whose number is not
/// recorded there, in order, each in its own transaction together with its record (DDL is transactional in
/// PostgreSQL: a script is applied completely or not at all). Running it again changes nothing.</item>
/// </list>
/// </summary>
public sealed partial class PostgreSqlSchema(NpgsqlDataSource dataSource, IOptions<StorageOptions> options, ILogger<PostgreSqlSchema> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public const string VersionTable = "civic_schema_version";

    /// <summary>The key of the session advisory lock that serialises migrations across processes.</summary>
    public const long AdvisoryLockKey = 0x4349_5643_0001; // "CIVC" 1

    private const string ResourcePrefix = "schema/postgresql/";

    /// <summary>Runs before membership (<see cref="ServiceLifecycleStage.RuntimeInitialize"/>) reads its queries.</summary>
    public const int LifecycleStage = ServiceLifecycleStage.RuntimeInitialize - 1;

    private static readonly Lazy<IReadOnlyList<SchemaScript>> EmbeddedScripts = new(() => SchemaScript.LoadEmbedded(typeof(PostgreSqlSchema).Assembly, ResourcePrefix, "deploy/postgresql"));

    /// <summary>The scripts shipped in this build, by version.</summary>
    public static IReadOnlyList<SchemaScript> Scripts => EmbeddedScripts.Value;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgreSqlSchema), LifecycleStage, async ct =>
        {
            await CheckServerAsync(ct);
            await ApplyAsync(ct);
        });

    private string Server => PostgreSqlStore.Describe(dataSource.ConnectionString);

    /// <summary>The start-up checks (connection, durability, pool sizing against max_connections).</summary>
    public async Task CheckServerAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        await using var connection = await OpenAsync(cancellationToken);
        var maxConnections = int.Parse(await ScalarAsync(connection, "SHOW max_connections;", cancellationToken), CultureInfo.InvariantCulture);
        var superuserReserved = int.Parse(await ScalarAsync(connection, "SHOW superuser_reserved_connections;", cancellationToken), CultureInfo.InvariantCulture);
        // reserved_connections exists from PostgreSQL 16 on; current_setting(..., true) answers NULL before.
        var reservedText = await ScalarAsync(connection, "SELECT current_setting('reserved_connections', true);", cancellationToken);
        var reserved = int.TryParse(reservedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;
        var available = maxConnections - superuserReserved - reserved;
        var wanted = (long)settings.ExpectedHosts * settings.MaxPoolSize;
        if (wanted > available)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{StorageOptions.SectionName}:MaxPoolSize is too large for the PostgreSQL server {Server}: {settings.ExpectedHosts} host(s) ({StorageOptions.SectionName}:ExpectedHosts) × MaxPoolSize {settings.MaxPoolSize} = {wanted} connections, but the server allows {available} (max_connections {maxConnections} − {superuserReserved + reserved} reserved). Lower {StorageOptions.SectionName}:MaxPoolSize to at most {Math.Max(1, available / settings.ExpectedHosts)} or raise max_connections on the server."));
        }
        var synchronousCommit = await ScalarAsync(connection, "SHOW synchronous_commit;", cancellationToken);
        if (string.Equals(synchronousCommit, "off", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server {Server} runs our sessions with synchronous_commit=off, so an acknowledged grain write could be lost in a crash. Remove synchronous_commit from the Options of {StorageOptions.SectionName}:ConnectionString (the silo sets it on).");
        }
        LogServerChecked(Server, maxConnections, available, wanted, synchronousCommit);
        var (control, grainStorage) = PostgreSqlStore.SplitPool(settings);
        if (settings.GroupCommit)
            LogGroupCommit(grainStorage, control);
    }

    /// <summary>Applies the missing scripts; returns the versions applied by this call (none when up to date).</summary>
    public Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken = default) => ApplyUpToAsync(int.MaxValue, cancellationToken);

    /// <summary>Applies the missing scripts up to <paramref name="upToVersion"/>: a lower one makes the schema of an earlier release (upgrade tests).</summary>
    public async Task<IReadOnlyList<int>> ApplyUpToAsync(int upToVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey});", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, $"""
                CREATE TABLE IF NOT EXISTS {VersionTable}
                (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    sha256     text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, cancellationToken);

            var applied = new List<int>();
            foreach (var script in Scripts.Where(s => s.Version <= upToVersion))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var recorded = await RecordedHashAsync(connection, transaction, script.Version, cancellationToken);
                if (recorded is not null)
                {
                    if (!string.Equals(recorded, script.Sha256, StringComparison.Ordinal))
                        LogScriptChanged(script.Version, script.Name);
                    continue; // disposing the transaction rolls back the (empty) transaction
                }
                try
                {
                    await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
                }
                catch (PostgresException ex)
                {
                    throw new InvalidOperationException($"PostgreSQL schema script {script.Name} failed on {Server}: {ex.MessageText}. Nothing of it was applied.", ex);
                }
                await using (var record = new NpgsqlCommand($"INSERT INTO {VersionTable} (version, name, sha256) VALUES (@version, @name, @sha);", connection, transaction))
                {
                    record.Parameters.AddWithValue("version", script.Version);
                    record.Parameters.AddWithValue("name", script.Name);
                    record.Parameters.AddWithValue("sha", script.Sha256);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                applied.Add(script.Version);
                LogApplied(script.Version, script.Name, Server);
            }
            if (applied.Count == 0)
                LogUpToDate(Server, Scripts[^1].Version);
            return applied;
        }
        finally
        {
            // Closing the session would release it too; unlocking first hands the lock on at once.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey});", CancellationToken.None);
        }
    }

    /// <summary>The versions recorded in the database, in order.</summary>
    public async Task<IReadOnlyList<int>> RecordedVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT version FROM {VersionTable} ORDER BY version;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(reader.GetInt32(0));
        return versions;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Cannot connect to the PostgreSQL server {Server} named by {StorageOptions.SectionName}:ConnectionString: {ex.Message}", ex);
        }
    }

    private static async Task<string?> RecordedHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT sha256 FROM {VersionTable} WHERE version = @version;", connection, transaction);
        command.Parameters.AddWithValue("version", version);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema {Version} ({Name}) applied to {Server}")]
    private partial void LogApplied(int version, string name, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema of {Server} is up to date (version {Version})")]
    private partial void LogUpToDate(string server, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL server {Server}: max_connections {MaxConnections} ({Available} usable), this deployment's pools up to {Wanted}, synchronous_commit {SynchronousCommit}")]
    private partial void LogServerChecked(string server, int maxConnections, int available, long wanted, string synchronousCommit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage group commit is on: {GrainStorage} connection(s) commit grain writes asynchronously, and each write is acknowledged after a synchronous durability barrier on the control pool of {Control} (Storage:GroupCommit)")]
    private partial void LogGroupCommit(int grainStorage, int control);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL schema script {Version} ({Name}) differs from the one applied earlier; released scripts must not change: add a new script instead")]
    private partial void LogScriptChanged(int version, string name);
}
