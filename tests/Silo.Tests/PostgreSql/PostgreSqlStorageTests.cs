using System.Globalization;
using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// The PostgreSQL profile for real: our schema scripts, the migration runner and Orleans' ADO.NET providers. What every
/// grain storage promises runs in <see cref="PostgreSqlGrainStorageContract"/> (<see cref="GrainStorageContract"/>).
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlStorageTests(PostgreSqlServer server) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    internal static Dictionary<string, string?> Settings(string connectionString, string? clusterId = null) => new()
    {
        ["Storage:Profile"] = "PostgreSql",
        ["Storage:ConnectionString"] = connectionString,
        ["Storage:MaxPoolSize"] = "10",
        ["Orleans:ClusterId"] = clusterId ?? "civic-test-" + Guid.NewGuid().ToString("N")[..8],
    };

    private IHost BuildSilo(string connectionString, string? clusterId = null, IDictionary<string, string?>? extra = null)
    {
        var settings = Settings(connectionString, clusterId);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return TestSilo.Build(_temp.Path, settings);
    }

    private static PostgreSqlSchema Schema(NpgsqlDataSource dataSource, StorageOptions options) =>
        new(dataSource, Options.Create(options), NullLogger<PostgreSqlSchema>.Instance);

    [Fact]
    public async Task Migrations_run_twice_without_error_and_record_each_version_once()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var options = new StorageOptions { Profile = StorageProfiles.PostgreSql, ConnectionString = connectionString, MaxPoolSize = 5 };
        await using var dataSource = PostgreSqlStore.Create(options);
        var schema = Schema(dataSource, options);
        var all = PostgreSqlSchema.Scripts.Select(s => s.Version).ToArray();
        Assert.Equal([1, 2, 3, 4, 5], all);

        await schema.CheckServerAsync();
        Assert.Equal(all, await schema.ApplyAsync());
        Assert.Empty(await schema.ApplyAsync());
        Assert.Equal(all, await schema.RecordedVersionsAsync());

        // The provider's contract is in place: every query key the three ADO.NET providers read.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery;", connection);
        Assert.Equal(4L + 9L + 7L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Grain_writes_commit_synchronously_even_when_the_database_default_is_off()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var off = new NpgsqlCommand($"ALTER DATABASE {database} SET synchronous_commit = off;", admin);
            await off.ExecuteNonQueryAsync();
        }
        var options = new StorageOptions { Profile = StorageProfiles.PostgreSql, ConnectionString = connectionString, MaxPoolSize = 5 };
        await using var dataSource = PostgreSqlStore.Create(options);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var show = new NpgsqlCommand("SHOW synchronous_commit;", connection);
        Assert.Equal("on", await show.ExecuteScalarAsync());
        await Schema(dataSource, options).CheckServerAsync();
    }

    [Fact]
    public async Task Silos_starting_together_migrate_once()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var options = new StorageOptions { Profile = StorageProfiles.PostgreSql, ConnectionString = connectionString, MaxPoolSize = 5 };
        var sources = Enumerable.Range(0, 4).Select(_ => PostgreSqlStore.Create(options)).ToArray();
        try
        {
            // Four migrators at once (as four silos starting together): the advisory lock lets one apply each script.
            var results = await Task.WhenAll(sources.Select(s => Task.Run(() => Schema(s, options).ApplyAsync())));
            Assert.Equal([1, 2, 3, 4, 5], results.SelectMany(r => r).Order());
            Assert.Equal([1, 2, 3, 4, 5], await Schema(sources[0], options).RecordedVersionsAsync());
        }
        finally
        {
            foreach (var source in sources)
                await source.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_silos_form_one_cluster_through_the_membership_table()
    {
        var connectionString = await server.CreateDatabaseAsync();
        const string clusterId = "civic-pair";
        using var first = BuildSilo(connectionString, clusterId);
        using var second = BuildSilo(connectionString, clusterId);
        await first.StartAsync();
        await second.StartAsync();
        try
        {
            foreach (var host in new[] { first, second })
            {
                var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
                var active = await Eventually.Value(() => management.GetHosts(onlyActive: true), a => a.Count >= 2, TimeSpan.FromSeconds(30), "both silos active");
                Assert.Equal(2, active.Count);
            }

            // A grain written through one silo is read through the other (one cluster, one directory, one store).
            await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("leuven").Append("via the first silo");
            Assert.Equal(["via the first silo"], await second.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("leuven").Entries());

            // The rest of the membership contract: the gateway list that clients read, and the defunct-silo clean-up.
            Assert.Equal(2, await GatewayCountAsync(connectionString, clusterId));
            var membership = first.Services.GetRequiredService<IMembershipTable>();
            await membership.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1));
            Assert.Equal(2, (await membership.ReadAllAsync()).Members.Count);
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
        }
    }

    [Fact]
    public async Task Reminder_rows_round_trip_through_the_reminder_table()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString);
        await host.StartAsync();
        var table = host.Services.GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("journal", "heverlee");
        var start = new DateTime(2026, 11, 28, 8, 0, 0, DateTimeKind.Utc);

        var etag = (await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "daily", StartAt = start, Period = TimeSpan.FromDays(1) }))!;
        var row = (await table.ReadRow(grainId, "daily"))!;
        Assert.Equal(start, row.StartAt);
        Assert.Equal(TimeSpan.FromDays(1), row.Period);
        Assert.Equal(etag, row.ETag);
        Assert.Single((await table.ReadRows(grainId)).Reminders);
        var hash = grainId.GetUniformHashCode();
        Assert.Single((await table.ReadRows(hash - 1, hash)).Reminders);

        var newer = (await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "daily", StartAt = start, Period = TimeSpan.FromHours(1) }))!;
        Assert.NotEqual(etag, newer);
        Assert.False(await table.RemoveRow(grainId, "daily", etag));
        Assert.True(await table.RemoveRow(grainId, "daily", newer));
        Assert.Empty((await table.ReadRows(grainId)).Reminders);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_pool_larger_than_the_server_allows_stops_the_start_with_a_clear_message()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, extra: new Dictionary<string, string?>
        {
            ["Storage:MaxPoolSize"] = "30",
            ["Storage:ExpectedHosts"] = "3",
        });
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var messages = string.Join(" | ", Chain(failure).Select(e => e.Message));
        Assert.Contains("Storage:MaxPoolSize is too large", messages, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"max_connections {server.MaxConnections}"), messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_connection_string_stops_the_start_with_a_clear_message()
    {
        using var host = TestSilo.Build(_temp.Path, new Dictionary<string, string?> { ["Storage:Profile"] = "PostgreSql" });
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("Storage:ConnectionString is required", string.Join(" | ", Chain(failure).Select(e => e.Message)), StringComparison.Ordinal);
    }

    /// <summary>Runs the stored GatewaysQueryKey the way the ADO.NET gateway list provider of a client does.</summary>
    private static async Task<int> GatewayCountAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        string query;
        await using (var read = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey';", connection))
            query = (string)(await read.ExecuteScalarAsync())!;
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.Add(new NpgsqlParameter("DeploymentId", System.Data.DbType.String) { Value = clusterId });
        command.Parameters.Add(new NpgsqlParameter("Status", System.Data.DbType.Int32) { Value = (int)SiloStatus.Active });
        await using var reader = await command.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            Assert.True(reader.GetInt32(reader.GetOrdinal("ProxyPort")) > 0);
            count++;
        }
        return count;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions)
                    yield return inner;
        }
    }
}
