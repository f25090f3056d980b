using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Tests.Storage;

public sealed class StorageOptionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Storage:Profile", "Mongo", "Storage:Profile 'Mongo' is not a storage profile")]
    [InlineData("Storage:Profile", "PostgreSql", "Storage:ConnectionString is required for Profile 'PostgreSql'")]
    [InlineData("Storage:ConnectionString", "Data Source=:memory:", "in-memory SQLite database")]
    [InlineData("Storage:ConnectionString", "Data Source=x.db;Colour=blue", "Storage:ConnectionString is not a valid SQLite connection string")]
    [InlineData("Storage:DataDirectory", " ", "Storage:DataDirectory is empty")]
    [InlineData("Storage:BusyTimeout", "00:00:00", "Storage:BusyTimeout must lie between")]
    [InlineData("Storage:SqliteSynchronous", "0", "Storage:SqliteSynchronous must be 'Full'")]
    public async Task Invalid_storage_settings_stop_the_start_with_a_message_naming_the_setting(string key, string value, string expected)
    {
        using var host = TestSilo.Build(_temp.Path, new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.db", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Profile_names_are_case_insensitive_and_default_to_sqlite()
    {
        using var host = TestSilo.Build(_temp.Path, new Dictionary<string, string?> { ["Storage:Profile"] = "" });

        await host.StartAsync();

        Assert.True(File.Exists(Path.Combine(_temp.Path, "data", CivicContracting.Silo.Storage.StorageOptions.SqliteFileName)));
        await host.StopAsync();
    }

    /// <summary>Acknowledged means on disk, also across a power loss: every connection of the silo's store commits with an fsync unless told otherwise.</summary>
    [Theory]
    [InlineData(null, 2)]
    [InlineData("Normal", 1)]
    [InlineData("full", 2)]
    public async Task Sqlite_connections_run_with_synchronous_FULL_unless_the_setting_says_Normal(string? setting, long expected)
    {
        var settings = new Dictionary<string, string?>();
        if (setting is not null)
            settings["Storage:SqliteSynchronous"] = setting;
        using var host = TestSilo.Build(_temp.Path, settings);
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<CivicContracting.Silo.Storage.SqliteStore>();
            await using var connection = await store.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
