using CivicContracting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Xunit.Sdk;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// What every grain storage profile promises, written once: each sealed subclass (SQLite, PostgreSQL with and without
/// group commit) runs all of these against its own store, through a real silo built the way the hosts build theirs.
/// A failure names the storage it failed on.
/// </summary>
public abstract class GrainStorageContract
{
    /// <summary>The storage as a reader of a failure should see it, e.g. "SQLite".</summary>
    protected abstract string StorageName { get; }

    /// <summary>
    /// Prepares a fresh, empty store for one test and returns how to build silo hosts on it: every call builds a new
    /// (not yet started) host on the same store and cluster, so that a second host sees what the first one wrote.
    /// </summary>
    protected abstract Task<Func<IHost>> NewStoreAsync();

    /// <summary>Anything the storage promises about a silo that has just restarted on it (e.g. its membership table).</summary>
    protected virtual Task AfterRestartAsync(IHost restarted) => Task.CompletedTask;

    [Fact]
    public Task Grain_state_survives_a_full_silo_restart() => On(async () =>
    {
        var silo = await NewStoreAsync();
        using (var first = silo())
        {
            await first.StartAsync();
            var journal = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("kessel-lo");
            await journal.Append("school result commitment confirmed");
            Assert.Equal(2, await journal.Append("first progress report"));
            await first.StopAsync();
        }

        using var second = silo();
        await second.StartAsync();
        var again = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("kessel-lo");
        Assert.Equal(["school result commitment confirmed", "first progress report"], await again.Entries());
        Assert.Equal("2", await again.ETag());
        Assert.Equal(3, await again.Append("after the restart"));
        await AfterRestartAsync(second);
        await second.StopAsync();
    });

    [Fact]
    public Task A_reactivated_grain_reads_what_it_wrote() => On(async () =>
    {
        using var host = (await NewStoreAsync())();
        await host.StartAsync();
        var journal = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("heverlee");
        await journal.Append("a");
        await journal.Deactivate();

        Assert.Equal(["a"], await journal.Entries());
        await host.StopAsync();
    });

    [Fact]
    public Task A_stale_write_is_rejected_and_leaves_the_newer_state() => OnStorage(async storage =>
    {
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
    });

    [Fact]
    public Task A_second_first_write_of_the_same_grain_is_a_conflict() => OnStorage(async storage =>
    {
        var grainId = GrainId.Create("journal", "wijgmaal");

        // Neither has read a version: the first insert wins, the second must not overwrite it.
        var a = new GrainState<JournalState>(new JournalState { Entries = ["a"] });
        var b = new GrainState<JournalState>(new JournalState { Entries = ["b"] });
        await storage.WriteStateAsync("journal", grainId, a);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("journal", grainId, b));

        var read = new GrainState<JournalState>();
        await storage.ReadStateAsync("journal", grainId, read);
        Assert.Equal(["a"], read.State!.Entries);
    });

    [Fact]
    public Task Cleared_state_reads_as_empty_and_keeps_its_version_for_the_next_write() => OnStorage(async storage =>
    {
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

        // The cleared row's version still guards the next write: a holder of version 1 is refused.
        var older = new GrainState<JournalState>(new JournalState { Entries = ["older"] }) { ETag = "1" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("journal", grainId, older));

        read.State.Entries.Add("again");
        await storage.WriteStateAsync("journal", grainId, read);
        Assert.Equal("3", read.ETag);
    });

    /// <summary>Runs a test on a started silo's grain storage (the one grains get), on a fresh store.</summary>
    private Task OnStorage(Func<IGrainStorage, Task> test) => On(async () =>
    {
        using var host = (await NewStoreAsync())();
        await host.StartAsync();
        await test(host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name));
        await host.StopAsync();
    });

    /// <summary>Runs a test so that its failure says which storage it failed on.</summary>
    private async Task On(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception e)
        {
            throw new XunitException($"On {StorageName}: {e.Message}", e);
        }
    }
}
