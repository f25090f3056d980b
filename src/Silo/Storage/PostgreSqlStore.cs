using System.Globalization;
using Npgsql;

namespace CivicContracting.Silo.Storage;

/// <summary>
/// The PostgreSQL database of a silo: one <see cref="NpgsqlDataSource"/> (one connection pool, sized by
/// <see cref="StorageOptions.MaxPoolSize"/>) that Orleans' ADO.NET grain storage, membership and reminders all open
/// their connections from.
/// </summary>
public static class PostgreSqlStore
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql's factory.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// The connection string the silo uses: the configured one with <see cref="StorageOptions.MaxPoolSize"/> as its
    /// pool size, an application name for <c>pg_stat_activity</c> unless one is set, and <c>synchronous_commit=on</c>
    /// for every session: a grain write is acknowledged only after its commit record is flushed to disk, whatever
    /// the server's default says ("acknowledged means durable").
    /// </summary>
    public static string ConnectionString(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new InvalidOperationException($"{StorageOptions.SectionName}:ConnectionString is required for Profile '{StorageProfiles.PostgreSql}'.");
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            MaxPoolSize = options.MaxPoolSize,
            Pooling = true,
        };
        if (builder.MinPoolSize > builder.MaxPoolSize)
            builder.MinPoolSize = builder.MaxPoolSize;
        if (string.IsNullOrWhiteSpace(builder.ApplicationName))
            builder.ApplicationName = "civic-contracting-silo";
        var sessionOptions = builder.Options ?? "";
        if (!sessionOptions.Contains("synchronous_commit", StringComparison.OrdinalIgnoreCase))
            builder.Options = string.Create(CultureInfo.InvariantCulture, $"{sessionOptions} -c synchronous_commit=on").Trim();
        return builder.ConnectionString;
    }

    public static NpgsqlDataSource Create(StorageOptions options) => NpgsqlDataSource.Create(ConnectionString(options));

    /// <summary>"host:port/database" of a connection string, for messages (never the password).</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}");
    }
}
