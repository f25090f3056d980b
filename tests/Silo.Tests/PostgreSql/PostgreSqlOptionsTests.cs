using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>The PostgreSQL settings are checked before anything connects, with messages that name the setting.</summary>
public sealed class PostgreSqlOptionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Storage:MaxPoolSize", "0", "Storage:MaxPoolSize must lie between 1 and 1000")]
    [InlineData("Storage:ExpectedHosts", "0", "Storage:ExpectedHosts must lie between 1 and 1000")]
    [InlineData("Storage:ConnectionString", "Host=127.0.0.1;Colour=blue", "Storage:ConnectionString is not a valid PostgreSQL (Npgsql) connection string")]
    [InlineData("Storage:ConnectionString", "Database=civic", "Storage:ConnectionString must name the server (Host=…)")]
    [InlineData("Storage:ConnectionString", "Host=127.0.0.1;Pooling=false", "turns pooling off")]
    [InlineData("Storage:MaxPoolSize", "1", "Storage:MaxPoolSize must be at least 2 with Storage:GroupCommit=true")]
    public async Task Invalid_postgresql_settings_stop_the_start_with_a_message_naming_the_setting(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=civic",
            [key] = value,
        };
        using var host = TestSilo.Build(_temp.Path, settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pool_size_setting_replaces_the_connection_strings_and_commits_are_synchronous()
    {
        var options = new StorageOptions { ConnectionString = "Host=db;Database=civic;Maximum Pool Size=200", MaxPoolSize = 12 };

        var built = new NpgsqlConnectionStringBuilder(PostgreSqlStore.ConnectionString(options));

        Assert.Equal(12, built.MaxPoolSize);
        Assert.Contains("synchronous_commit=on", built.Options, StringComparison.Ordinal);
        Assert.Equal("civic-contracting-silo", built.ApplicationName);
    }

    [Fact]
    public async Task A_group_commit_setting_that_is_not_a_boolean_stops_the_start_with_a_message_naming_it()
    {
        using var host = TestSilo.Build(_temp.Path, new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=civic",
            ["Storage:GroupCommit"] = "sometimes",
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Storage:GroupCommit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20, 5, 15)]
    [InlineData(12, 3, 9)]
    [InlineData(8, 2, 6)]
    [InlineData(2, 1, 1)]
    [InlineData(100, 5, 95)]
    public void Group_commit_splits_the_pool_size_between_control_and_grain_storage(int maxPoolSize, int control, int grainStorage)
    {
        var options = new StorageOptions { ConnectionString = "Host=db;Database=civic", MaxPoolSize = maxPoolSize };

        Assert.Equal((control, grainStorage), PostgreSqlStore.SplitPool(options));
        using var storagePool = PostgreSqlStore.CreateGrainStorage(options);
        var storage = new NpgsqlConnectionStringBuilder(storagePool.ConnectionString);
        Assert.Equal(grainStorage, storage.MaxPoolSize);
        Assert.EndsWith("-c synchronous_commit=off", storage.Options, StringComparison.Ordinal);
        Assert.Equal("civic-contracting-silo-storage", storage.ApplicationName);
        Assert.True(storage.NoResetOnClose);
        using var controlSource = PostgreSqlStore.CreateControl(options);
        var controlPool = new NpgsqlConnectionStringBuilder(controlSource.ConnectionString);
        Assert.Equal(control, controlPool.MaxPoolSize);
        Assert.Contains("synchronous_commit=on", controlPool.Options, StringComparison.Ordinal);
        Assert.False(controlPool.NoResetOnClose);

        // Off: one synchronous pool of the whole size, and no asynchronous one.
        options.GroupCommit = false;
        Assert.Equal((maxPoolSize, 0), PostgreSqlStore.SplitPool(options));
        using var single = PostgreSqlStore.CreateControl(options);
        Assert.Equal(maxPoolSize, new NpgsqlConnectionStringBuilder(single.ConnectionString).MaxPoolSize);
        Assert.Throws<InvalidOperationException>(() => PostgreSqlStore.CreateGrainStorage(options));
    }

    [Fact]
    public void The_grain_storage_pool_commits_asynchronously_even_when_the_connection_string_asks_otherwise()
    {
        var options = new StorageOptions { ConnectionString = "Host=db;Database=civic;Options=-c synchronous_commit=on -c work_mem=8MB", MaxPoolSize = 8 };

        using var pool = PostgreSqlStore.CreateGrainStorage(options);
        var storage = new NpgsqlConnectionStringBuilder(pool.ConnectionString);

        // The last -c wins in PostgreSQL's startup options; the rest of the configured options stay.
        Assert.Equal("-c synchronous_commit=on -c work_mem=8MB -c synchronous_commit=off", storage.Options);
    }

    [Fact]
    public async Task An_unreachable_server_stops_the_start_with_a_message_naming_the_setting()
    {
        using var host = TestSilo.Build(_temp.Path, new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=civic;Username=civic;Timeout=3",
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
            messages.Add(e.Message);
        Assert.Contains(messages, m => m.Contains("Cannot connect to the PostgreSQL server 127.0.0.1:1/civic named by Storage:ConnectionString", StringComparison.Ordinal));
    }
}
