using CivicContracting.Silo.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// The health endpoints of every host (silos and web hosts), for Kubernetes probes and load balancers:
/// <list type="bullet">
/// <item><c>/health/live</c>: the process answers (no checks run; a failing liveness probe restarts the pod).</item>
/// <item><c>/health/startup</c>: the host has started: its silo is active (or, as a client, it reaches the cluster) and
/// the database schema is at the version this build expects (checks tagged <see cref="StartupTag"/>).</item>
/// <item><c>/health/ready</c>: the host can serve now: the database answers and the silo is a member of its cluster
/// (or the cluster answers) (checks tagged <see cref="ReadyTag"/>).</item>
/// </list>
/// </summary>
public static class SiloHealthChecks
{
    /// <summary>The tag of the checks that say whether the host can serve (mapped to /health/ready).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of the checks that say whether the host has finished starting (mapped to /health/startup).</summary>
    public const string StartupTag = "startup";

    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string StartupPath = "/health/startup";

    public static IHealthChecksBuilder AddCivicContractingSiloChecks(this IHealthChecksBuilder checks) => checks
        .AddCheck<SiloActiveHealthCheck>("silo", tags: [ReadyTag, StartupTag])
        .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
        .AddCheck<SchemaVersionHealthCheck>("schema", tags: [StartupTag]);

    /// <summary>Maps /health/live, /health/ready and /health/startup.</summary>
    public static IEndpointRouteBuilder MapCivicContractingHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        endpoints.MapHealthChecks(StartupPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(StartupTag) });
        return endpoints;
    }
}

/// <summary>Healthy once the local silo has joined its cluster and until it starts shutting down.</summary>
public sealed class SiloActiveHealthCheck(ISiloStatusOracle status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {status.CurrentStatus}."));
}

/// <summary>The database answers a query (SQLite or PostgreSQL). Memory storage is always healthy.</summary>
public sealed class StorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (services.GetService<SqliteStore>() is { } sqlite)
            {
                await using var connection = await sqlite.OpenConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1;";
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy("The SQLite database answers.");
            }
            if (services.GetService<NpgsqlDataSource>() is { } postgres)
            {
                await using var command = postgres.CreateCommand("SELECT 1;");
                await command.ExecuteScalarAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy("The PostgreSQL server answers.");
            }
            return HealthCheckResult.Healthy("Grain storage is in memory.");
        }
        catch (Exception ex) when (ex is SqliteException or NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}

/// <summary>The database's schema is at the newest version this build ships (the silo migrates it at start).</summary>
public sealed class SchemaVersionHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (services.GetService<SqliteSchema>() is { } sqlite)
                return Compare("SQLite", sqlite.RecordedVersions(), SqliteSchema.Scripts);
            if (services.GetService<PostgreSqlSchema>() is { } postgres)
                return Compare("PostgreSQL", await postgres.RecordedVersionsAsync(cancellationToken), PostgreSqlSchema.Scripts);
            return HealthCheckResult.Healthy("Grain storage is in memory; there is no schema.");
        }
        catch (Exception ex) when (ex is SqliteException or NpgsqlException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The schema version could not be read (not applied yet?).", ex);
        }
    }

    private static HealthCheckResult Compare(string database, IReadOnlyList<int> recorded, IReadOnlyList<SchemaScript> scripts)
    {
        var expected = scripts.Count == 0 ? 0 : scripts[^1].Version;
        var current = recorded.Count == 0 ? 0 : recorded[^1];
        return current >= expected
            ? HealthCheckResult.Healthy($"{database} schema version {current}.")
            : HealthCheckResult.Unhealthy($"{database} schema version {current}; this build needs {expected}.");
    }
}
