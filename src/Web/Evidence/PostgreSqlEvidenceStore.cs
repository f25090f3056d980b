using Npgsql;
using NpgsqlTypes;

namespace CivicContracting.Web.Evidence;

/// <summary>
/// Storage:Profile=PostgreSql: evidence in the table <c>civic_evidence</c> (schema script
/// deploy/postgresql/0005-evidence.sql), so every web host of a cluster serves every file. One row per file, keyed by
/// its SHA-256; an insert of a file that is there already does nothing (<c>ON CONFLICT DO NOTHING</c>), and a row is
/// written in one statement, so it exists completely or not at all. Connections come from a pool the host has anyway
/// (see <see cref="EvidenceStores"/>), so the sizing rule (hosts × Storage:MaxPoolSize) still holds; every statement
/// commits synchronously, so an answered upload is durable.
/// </summary>
public sealed class PostgreSqlEvidenceStore(Func<CancellationToken, ValueTask<NpgsqlConnection>> open) : IEvidenceStore
{
    public const string Table = "civic_evidence";

    /// <summary>Connections from <paramref name="dataSource"/>'s pool.</summary>
    public PostgreSqlEvidenceStore(NpgsqlDataSource dataSource)
        : this(dataSource.OpenConnectionAsync)
    {
    }

    /// <summary>
    /// Connections from Npgsql's shared pool of <paramref name="connectionString"/>: the pool Orleans' ADO.NET clustering
    /// client opens with the same string in a web host in client mode.
    /// </summary>
    public static PostgreSqlEvidenceStore ForConnectionString(string connectionString) => new(async cancellationToken =>
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    });

    public async Task<bool> PutAsync(EvidenceInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!EvidenceIds.IsWellFormed(info.Sha256))
            throw new ArgumentException($"'{info.Sha256}' is not a SHA-256 in lowercase hex.", nameof(info));
        await using var connection = await open(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {Table} (sha256, content_type, bytes, content) VALUES (@sha256, @contentType, @bytes, @content) ON CONFLICT (sha256) DO NOTHING;",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string>("sha256", NpgsqlDbType.Text) { TypedValue = info.Sha256 });
        command.Parameters.Add(new NpgsqlParameter<string>("contentType", NpgsqlDbType.Text) { TypedValue = info.ContentType });
        command.Parameters.Add(new NpgsqlParameter<long>("bytes", NpgsqlDbType.Bigint) { TypedValue = content.Length });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("content", NpgsqlDbType.Bytea) { TypedValue = content });
        return await RunAsync(() => command.ExecuteNonQueryAsync(cancellationToken)) == 1;
    }

    public async Task<StoredEvidence?> GetAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!EvidenceIds.IsWellFormed(sha256))
            return null;
        await using var connection = await open(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT content_type, content FROM {Table} WHERE sha256 = @sha256;", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("sha256", NpgsqlDbType.Text) { TypedValue = sha256 });
        await using var reader = await RunAsync(() => command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken));
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var contentType = reader.GetString(0);
        var content = reader.GetFieldValue<byte[]>(1);
        return new StoredEvidence(new EvidenceInfo(sha256, contentType, content.Length), content);
    }

    public async Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!EvidenceIds.IsWellFormed(sha256))
            return false;
        await using var connection = await open(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE sha256 = @sha256);", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("sha256", NpgsqlDbType.Text) { TypedValue = sha256 });
        return await RunAsync(() => command.ExecuteScalarAsync(cancellationToken)) is true;
    }

    /// <summary>A missing table means a web host newer than its database's schema: say how to fix it.</summary>
    private static async Task<T> RunAsync<T>(Func<Task<T>> statement)
    {
        try
        {
            return await statement();
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new InvalidOperationException(
                $"The table {Table} is missing: the database's schema is older than this web host. Run `dotnet run --project src/Silo -- migrate` (schema script 0005-evidence.sql) or start a silo of this version, which migrates.", exception);
        }
    }
}
