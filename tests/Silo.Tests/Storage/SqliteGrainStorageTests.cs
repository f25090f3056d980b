using CivicContracting.Hosting;
using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>The embedded default for real: Orleans' ADO.NET provider on our SQLite schema, in a temp folder.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Grain_state_survives_a_full_silo_restart()
    {
        using (var first = TestSilo.BuildSqlite(_temp.Path))
        {
            await first.StartAsync();
            var journal = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("kessel-lo");
            await journal.Append("school result commitment confirmed");
            Assert.Equal(2, await journal.Append("first progress report"));
            await first.StopAsync();
        }

        using var second = TestSilo.BuildSqlite(_temp.Path);
        await second.StartAsync();
        var again = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("kessel-lo");

        Assert.Equal(["school result commitment confirmed", "first progress report"], await again.Entries());
        Assert.Equal("2", await again.ETag());
        Assert.Equal(3, await again.Append("after the restart"));
        await second.StopAsync();
    }

    [Fact]
    public async Task A_reactivated_grain_reads_what_it_wrote()
    {
        using var host = TestSilo.BuildSqlite(_temp.Path);
        await host.StartAsync();
        var journal = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("heverlee");
        await journal.Append("a");
        await journal.Deactivate();

        Assert.Equal(["a"], await journal.Entries());
        await host.StopAsync();
    }

    [Fact]
    public async Task A_stale_write_is_rejected_and_leaves_the_newer_state()
    {
        using var host = TestSilo.BuildSqlite(_temp.Path);
        await host.StartAsync();
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grainId = GrainId.Create("journal", "wilsele");
        const string grainType = "journal";

        // Two activations that both believe they own the grain: both read version 1.
        var first = new GrainState<JournalState>(new JournalState { Entries = ["created"] });
        await storage.WriteStateAsync(grainType, grainId, first);
        Assert.Equal("1", first.ETag);
        var stale = new GrainState<JournalState>();
        await storage.ReadStateAsync(grainType, grainId, stale);
        Assert.Equal("1", stale.ETag);

        first.State!.Entries.Add("newer");
        await storage.WriteStateAsync(grainType, grainId, first);
        Assert.Equal("2", first.ETag);

        stale.State!.Entries.Add("stale");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(grainType, grainId, stale));

        var read = new GrainState<JournalState>();
        await storage.ReadStateAsync(grainType, grainId, read);
        Assert.Equal(["created", "newer"], read.State!.Entries);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_second_first_write_of_the_same_grain_is_a_conflict()
    {
        using var host = TestSilo.BuildSqlite(_temp.Path);
        await host.StartAsync();
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grainId = GrainId.Create("journal", "wijgmaal");

        // Neither has read a version: the first insert wins, the second must not overwrite it.
        var a = new GrainState<JournalState>(new JournalState { Entries = ["a"] });
        var b = new GrainState<JournalState>(new JournalState { Entries = ["b"] });
        await storage.WriteStateAsync("journal", grainId, a);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("journal", grainId, b));

        var read = new GrainState<JournalState>();
        await storage.ReadStateAsync("journal", grainId, read);
        Assert.Equal(["a"], read.State!.Entries);
        await host.StopAsync();
    }

    [Fact]
    public async Task Cleared_state_reads_as_empty_and_keeps_its_version_for_the_next_write()
    {
        using var host = TestSilo.BuildSqlite(_temp.Path);
        await host.StartAsync();
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grainId = GrainId.Create("journal", "leuven");

        var state = new GrainState<JournalState>(new JournalState { Entries = ["x"] });
        await storage.WriteStateAsync("journal", grainId, state);
        await storage.ClearStateAsync("journal", grainId, state);
        Assert.Equal("2", state.ETag);
        Assert.False(state.RecordExists);

        var read = new GrainState<JournalState>();
        await storage.ReadStateAsync("journal", grainId, read);
        Assert.False(read.RecordExists);
        Assert.Empty(read.State!.Entries);
        Assert.Equal("2", read.ETag);

        read.State.Entries.Add("again");
        await storage.WriteStateAsync("journal", grainId, read);
        Assert.Equal("3", read.ETag);
        await host.StopAsync();
    }

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
