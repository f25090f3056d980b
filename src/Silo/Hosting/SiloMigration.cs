using CivicContracting.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// <c>CivicContracting.Silo migrate</c>: applies the schema migrations of the configured storage profile (section
/// "Storage", read like the silo reads it: appsettings.json, environment, command line) and exits, without starting
/// Orleans. The same versioned, idempotent, advisory-locked step the silo runs at start, so running it again, or
/// while silos start, is safe. Exit codes: 0 the schema is current, 1 the migration failed, 2 invalid settings.
/// </summary>
public static class SiloMigration
{
    public const string Command = "migrate";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var (host, read) = await StorageCommandSettings.ReadAsync(Command, args, LogLevel.Information);
        using var _ = host;
        if (read is not { } options)
            return 2;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CivicContracting.Silo.Migrate");

        var profile = StorageProfiles.Normalise(options.Profile)!;
        try
        {
            IReadOnlyList<int> applied;
            int current;
            string where;
            switch (profile)
            {
                case StorageProfiles.PostgreSql:
                {
                    await using var dataSource = PostgreSqlStore.Create(options);
                    var schema = new PostgreSqlSchema(dataSource, Options.Create(options), host.Services.GetRequiredService<ILogger<PostgreSqlSchema>>());
                    await schema.CheckServerAsync(cancellationToken);
                    applied = await schema.ApplyAsync(cancellationToken);
                    current = PostgreSqlSchema.Scripts[^1].Version;
                    where = PostgreSqlStore.Describe(dataSource.ConnectionString);
                    break;
                }
                case StorageProfiles.Sqlite:
                {
                    var contentRoot = host.Services.GetRequiredService<IHostEnvironment>().ContentRootPath;
                    await using var store = new SqliteStore(options.SqliteConnectionString(contentRoot), options.BusyTimeout, options.SqliteSynchronous);
                    var schema = new SqliteSchema(store, host.Services.GetRequiredService<ILogger<SqliteSchema>>());
                    applied = schema.Apply(cancellationToken);
                    current = SqliteSchema.Scripts[^1].Version;
                    where = store.DatabasePath;
                    break;
                }
                default:
                    Console.WriteLine($"migrate: storage profile {profile} keeps nothing on disk; there is no schema to migrate.");
                    return 0;
            }
            Console.WriteLine(applied.Count == 0
                ? $"migrate: the {profile} schema at {where} is current (version {current})."
                : $"migrate: applied version(s) {string.Join(", ", applied)} to the {profile} schema at {where}; it is now at version {current}.");
            return 0;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            logger.LogError(failure, "Migration failed");
            await Console.Error.WriteLineAsync($"migrate: the {profile} schema could not be brought up to date: {failure.Message}");
            return 1;
        }
    }
}
