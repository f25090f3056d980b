using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// A database written by an earlier version: grain state in Orleans' ADO.NET table (OrleansStorage). The new storage
/// reads it there once, copies it into its own table with its version, and goes on from there.
/// </summary>
public sealed class SqliteLegacyStateTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task State_stored_by_the_ADO_NET_provider_of_earlier_versions_is_read_and_carried_on_in_the_new_table()
    {
        // An earlier version's database: the state written by Orleans' ADO.NET provider (the one the SQLite profile
        // used before), a grain with two writes and a grain that was written and then cleared.
        using (var earlier = TestSilo.BuildSqlite(_temp.Path))
        {
            await earlier.StartAsync();
            Assert.False(earlier.Services.GetRequiredService<SqliteGrainStorage>().ReadsLegacyTable, "a new database looks only at the new table");
            var adoNet = earlier.Services.GetRequiredKeyedService<IGrainStorage>(SiloHosting.LegacySqliteGrainStorageName);
            var kesselLo = new GrainState<JournalState>(new JournalState { Entries = ["written by an earlier version"] });
            await adoNet.WriteStateAsync("journal", GrainId.Create("journal", "kessel-lo"), kesselLo);
            kesselLo.State!.Entries.Add("second");
            await adoNet.WriteStateAsync("journal", GrainId.Create("journal", "kessel-lo"), kesselLo);
            Assert.Equal("2", kesselLo.ETag);
            var heverlee = new GrainState<JournalState>(new JournalState { Entries = ["to be cleared"] });
            await adoNet.WriteStateAsync("journal", GrainId.Create("journal", "heverlee"), heverlee);
            await adoNet.ClearStateAsync("journal", GrainId.Create("journal", "heverlee"), heverlee);
            await earlier.StopAsync();
        }
        Assert.Equal(0L, Count("civic_grain_state"));

        using (var upgraded = TestSilo.BuildSqlite(_temp.Path))
        {
            await upgraded.StartAsync();
            var storage = upgraded.Services.GetRequiredService<SqliteGrainStorage>();
            Assert.True(storage.ReadsLegacyTable);
            var grains = upgraded.Services.GetRequiredService<IGrainFactory>();

            var kesselLo = grains.GetGrain<IJournalGrain>("kessel-lo");
            Assert.Equal(["written by an earlier version", "second"], await kesselLo.Entries());
            Assert.Equal("2", await kesselLo.ETag());
            Assert.Equal(3, await kesselLo.Append("after the upgrade"));
            Assert.Equal("3", await kesselLo.ETag());

            // Cleared stays cleared (its version carried over), and the grain writes on from there.
            var heverlee = grains.GetGrain<IJournalGrain>("heverlee");
            Assert.Empty(await heverlee.Entries());
            Assert.Equal("2", await heverlee.ETag());
            Assert.Equal(1, await heverlee.Append("new start"));
            Assert.Equal("3", await heverlee.ETag());

            // A grain found nowhere is new in the new table.
            Assert.Equal(1, await grains.GetGrain<IJournalGrain>("wilsele").Append("never stored before"));
            Assert.Equal(2, storage.Statistics.CopiedFromLegacy);
            await upgraded.StopAsync();
        }

        Assert.Equal(3L, Count("civic_grain_state"));
        Assert.Equal(2L, Count("OrleansStorage")); // left as it was: nothing is deleted
        Assert.Equal(3L, Scalar("SELECT etag FROM civic_grain_state WHERE grain_key = 'kessel-lo';"));

        // Later starts read the new table (the legacy rows are still there, but shadowed by the copies).
        using (var later = TestSilo.BuildSqlite(_temp.Path))
        {
            await later.StartAsync();
            var grains = later.Services.GetRequiredService<IGrainFactory>();
            Assert.Equal(["written by an earlier version", "second", "after the upgrade"], await grains.GetGrain<IJournalGrain>("kessel-lo").Entries());
            Assert.Equal(["new start"], await grains.GetGrain<IJournalGrain>("heverlee").Entries());
            Assert.Equal(0, later.Services.GetRequiredService<SqliteGrainStorage>().Statistics.CopiedFromLegacy);
            await later.StopAsync();
        }
    }

    private long Count(string table) => Scalar($"SELECT COUNT(*) FROM {table};");

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection(new StorageOptions { DataDirectory = _temp.Path }.SqliteConnectionString(_temp.Path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
