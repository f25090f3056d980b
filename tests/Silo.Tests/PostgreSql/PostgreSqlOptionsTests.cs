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
