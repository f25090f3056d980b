using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// The embedded default for real, in a temp folder: what only SQLite (and the memory profile) does. What every grain
/// storage promises runs in <see cref="SqliteGrainStorageContractTests"/> (<see cref="GrainStorageContract"/>).
/// </summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_write_waiting_for_the_database_lock_does_not_hold_up_the_grain_turn()
    {
        var warnings = new CapturedWarnings();
        using var host = TestSilo.BuildSqlite(_temp.Path, warnings);
        await host.StartAsync();
        var journal = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("kessel-lo");
        await journal.Append("before the lock");
        var turnLimit = host.Services.GetRequiredService<IOptions<SchedulingOptions>>().Value.TurnWarningLengthThreshold;

        // Another process (here: another connection) holds SQLite's write lock for longer than Orleans allows a turn.
        using (var other = new SqliteConnection(host.Services.GetRequiredService<SqliteStore>().ConnectionString))
        {
            other.Open();
            using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();

            var append = journal.Append("while locked");
            await Task.Delay(turnLimit + TimeSpan.FromMilliseconds(500));
            Assert.False(append.IsCompleted, "The write should still be waiting for the lock.");

            using var rollback = other.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
            Assert.Equal(2, await append);
        }

        // The grain waited for its write without occupying its scheduler: Orleans saw no long turn.
        Assert.DoesNotContain(warnings.Entries, w => w.Message.Contains("took elapsed time", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task Memory_profile_runs_without_a_database_file()
    {
        using var host = TestSilo.Build(_temp.Path, new Dictionary<string, string?> { ["Storage:Profile"] = "memory" });
        await host.StartAsync();
        var journal = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("memory");

        Assert.Equal(1, await journal.Append("kept in memory"));
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "data")));
        await host.StopAsync();
    }
}
