using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CivicContracting.Silo.Hosting;

/// <summary>Readiness checks of a silo host: the silo is active in its cluster and its storage answers.</summary>
public static class SiloHealthChecks
{
    /// <summary>The tag of the checks that say whether the host can serve (map them to /health/ready).</summary>
    public const string ReadyTag = "ready";

    public static IHealthChecksBuilder AddCivicContractingSiloChecks(this IHealthChecksBuilder checks) => checks
        .AddCheck<SiloActiveHealthCheck>("silo", tags: [ReadyTag])
        .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag]);
}

/// <summary>Healthy once the local silo has joined its cluster and until it starts shutting down.</summary>
public sealed class SiloActiveHealthCheck(ISiloStatusOracle status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {status.CurrentStatus}."));
}

/// <summary>For SQLite: the database opens and reports its schema version. Memory storage is always ready.</summary>
public sealed class StorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<SqliteStore>() is not { } store)
            return HealthCheckResult.Healthy("Grain storage is in memory.");
        try
        {
            await using var connection = await store.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT MAX(Version) FROM {SqliteSchema.VersionTable};";
            var version = await command.ExecuteScalarAsync(cancellationToken);
            return version is long v
                ? HealthCheckResult.Healthy($"SQLite schema version {v}.")
                : HealthCheckResult.Unhealthy("The SQLite schema has not been applied yet.");
        }
        catch (SqliteException ex)
        {
            return HealthCheckResult.Unhealthy("The SQLite database does not answer.", ex);
        }
    }
}
