using CivicContracting.Hosting;
using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Storage;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// Group commit of grain storage (Storage:GroupCommit) against the real private server: grain writes commit
/// asynchronously and are acknowledged only after a shared synchronous barrier transaction. The tests hold the barrier
/// row's lock from another session to stop barriers at a known point, so what they assert does not depend on timing.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class GroupCommitTests(PostgreSqlServer server) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private IHost BuildSilo(string connectionString, string clusterId, bool groupCommit = true) => TestSilo.Build(_temp.Path, new Dictionary<string, string?>
    {
        ["Storage:Profile"] = "PostgreSql",
        ["Storage:ConnectionString"] = connectionString,
        ["Storage:MaxPoolSize"] = "10",
        ["Storage:GroupCommit"] = groupCommit ? "true" : "false",
        ["Orleans:ClusterId"] = clusterId,
    });

    private static GrainState<JournalState> Journal(params string[] entries) => new(new JournalState { Entries = [.. entries] });

    [Fact]
    public async Task Group_commit_wraps_the_ado_net_provider_and_splits_the_pool_into_an_asynchronous_and_a_synchronous_one()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, "civic-gc-pools");
        await host.StartAsync();
        try
        {
            Assert.IsType<GroupCommitGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name));
            Assert.IsType<AdoNetGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(SiloHosting.AdoNetGrainStorageName));

            var storagePool = host.Services.GetRequiredKeyedService<NpgsqlDataSource>(PostgreSqlStore.GrainStorageDataSourceKey);
            var controlPool = host.Services.GetRequiredService<NpgsqlDataSource>();
            Assert.Equal("off", await ScalarAsync(storagePool, "SHOW synchronous_commit;"));
            Assert.Equal("on", await ScalarAsync(controlPool, "SHOW synchronous_commit;"));
            // Together no more than Storage:MaxPoolSize, so the sizing rule against max_connections still holds.
            var storageSize = new NpgsqlConnectionStringBuilder(storagePool.ConnectionString).MaxPoolSize;
            var controlSize = new NpgsqlConnectionStringBuilder(controlPool.ConnectionString).MaxPoolSize;
            Assert.Equal(10, storageSize + controlSize);
            Assert.True(controlSize >= 1 && storageSize > controlSize, $"control {controlSize}, storage {storageSize}");
        }
        finally
        {
            await host.StopAsync();
        }

        using var plain = BuildSilo(connectionString, "civic-gc-pools", groupCommit: false);
        await plain.StartAsync();
        try
        {
            // Off: the plain provider on the one synchronous pool, as before group commit existed.
            Assert.IsType<AdoNetGrainStorage>(plain.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name));
            Assert.Null(plain.Services.GetService<DurabilityBarrier>());
            Assert.Null(plain.Services.GetKeyedService<NpgsqlDataSource>(PostgreSqlStore.GrainStorageDataSourceKey));
            var pool = plain.Services.GetRequiredService<NpgsqlDataSource>();
            Assert.Equal(10, new NpgsqlConnectionStringBuilder(pool.ConnectionString).MaxPoolSize);
            Assert.Equal("on", await ScalarAsync(pool, "SHOW synchronous_commit;"));
        }
        finally
        {
            await plain.StopAsync();
        }
    }

    [Fact]
    public async Task A_barrier_flushes_the_WAL_of_every_write_committed_before_it()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, "civic-gc-flush");
        await host.StartAsync();
        await using var slowWalWriter = await SlowWalWriterAsync();
        try
        {
            var storagePool = host.Services.GetRequiredKeyedService<NpgsqlDataSource>(PostgreSqlStore.GrainStorageDataSourceKey);
            var barrier = host.Services.GetRequiredService<DurabilityBarrier>();
            await using var connection = await storagePool.OpenConnectionAsync();
            await ExecuteAsync(connection, "CREATE TABLE flushed (id int PRIMARY KEY, n int NOT NULL); INSERT INTO flushed VALUES (1, 0);");

            // An asynchronous commit is in the WAL but not yet flushed (the WAL writer now sleeps 10 s between rounds).
            ulong written = 0, flushed = 0;
            for (var attempt = 0; attempt < 5 && flushed >= written; attempt++)
            {
                await ExecuteAsync(connection, "UPDATE flushed SET n = n + 1 WHERE id = 1;");
                written = await LsnAsync(connection, "pg_current_wal_insert_lsn()");
                flushed = await LsnAsync(connection, "pg_current_wal_flush_lsn()");
            }
            Assert.True(flushed < written, $"precondition: the asynchronous commit at {written} should not be flushed yet (flushed {flushed})");

            await barrier.WaitAsync();

            var after = await LsnAsync(connection, "pg_current_wal_flush_lsn()");
            Assert.True(after >= written, $"the barrier returned with the WAL flushed to {after}, before the write at {written}");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Concurrent_writes_wait_for_the_barrier_and_share_it()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, "civic-gc-batch");
        await host.StartAsync();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
            var barrier = host.Services.GetRequiredService<DurabilityBarrier>();
            const int writes = 50;
            var barriersBefore = barrier.Barriers;
            var releasedBefore = barrier.Released;
            var states = Enumerable.Range(0, writes).Select(i => Journal($"write {i}")).ToArray();

            Task[] pending;
            await using (await HoldBarrierRowAsync(connectionString, barrier.Slot))
            {
                pending = [.. Enumerable.Range(0, writes).Select(i =>
                    Task.Run(() => storage.WriteStateAsync("journal", GrainId.Create("journal", $"batch-{i}"), states[i])))];
                // Every write has committed (asynchronously) and waits; none is acknowledged while the barrier cannot commit.
                await Eventually.Until(() => barrier.Waiting == writes, Patience, "all writes waiting for the barrier");
                await Task.Delay(200);
                Assert.All(pending, t => Assert.False(t.IsCompleted));
            }

            await Task.WhenAll(pending).WaitAsync(Patience);
            Assert.All(states, s => Assert.Equal("1", s.ETag));
            // The first barrier took whoever had arrived when it started; the next one took all the others.
            var barriers = barrier.Barriers - barriersBefore;
            Assert.InRange(barriers, 1, 2);
            Assert.Equal(writes, barrier.Released - releasedBefore);

            // And they are stored: read back through the decorator.
            var read = Journal();
            await storage.ReadStateAsync("journal", GrainId.Create("journal", "batch-7"), read);
            Assert.Equal(["write 7"], read.State!.Entries);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_etag_contract_holds_through_the_barrier_and_a_stale_write_waits_for_none()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, "civic-gc-etag");
        await host.StartAsync();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
            var barrier = host.Services.GetRequiredService<DurabilityBarrier>();
            var grainId = GrainId.Create("journal", "kessel-lo");
            var current = Journal("created");
            await storage.WriteStateAsync("journal", grainId, current);
            var stale = Journal();
            await storage.ReadStateAsync("journal", grainId, stale);
            current.State!.Entries.Add("newer");
            await storage.WriteStateAsync("journal", grainId, current);
            Assert.Equal("2", current.ETag);

            // The provider rejects the stale write before any barrier: it fails at once even while no barrier can commit.
            await using (await HoldBarrierRowAsync(connectionString, barrier.Slot))
            {
                stale.State!.Entries.Add("stale");
                var rejected = await Assert.ThrowsAsync<InconsistentStateException>(() =>
                    storage.WriteStateAsync("journal", grainId, stale).WaitAsync(Patience));
                Assert.DoesNotContain("durability barrier", rejected.Message, StringComparison.Ordinal);
                await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("journal", grainId, stale).WaitAsync(Patience));
            }

            var read = Journal();
            await storage.ReadStateAsync("journal", grainId, read);
            Assert.Equal(["created", "newer"], read.State!.Entries);
            Assert.Equal("2", read.ETag);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_failed_barrier_fails_the_grain_call_instead_of_acknowledging_it_and_the_next_barrier_works()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, "civic-gc-fail");
        await host.StartAsync();
        try
        {
            var barrier = host.Services.GetRequiredService<DurabilityBarrier>();
            var journal = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("heverlee");
            Assert.Equal(1, await journal.Append("acknowledged"));
            var failuresBefore = barrier.Failures;

            Task<int> append;
            await using (await HoldBarrierRowAsync(connectionString, barrier.Slot))
            {
                append = journal.Append("never acknowledged");
                var pid = await WaitForBlockedBarrierAsync(connectionString);
                Assert.False(append.IsCompleted);
                // The barrier's session dies (as when the server or the network goes away) before it can commit.
                await TerminateAsync(connectionString, pid);

                var failure = await Assert.ThrowsAnyAsync<Exception>(() => append.WaitAsync(Patience));
                Assert.Contains("durability barrier", failure.Message, StringComparison.Ordinal);
            }
            Assert.Equal(failuresBefore + 1, barrier.Failures);

            // The grain was deactivated and re-read what is stored; the next write gets a fresh barrier.
            var count = await journal.Append("after the failure");
            Assert.Equal("after the failure", (await journal.Entries())[^1]);
            Assert.InRange(count, 2, 3);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_barrier_that_cannot_flush_fails_instead_of_acknowledging()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var host = BuildSilo(connectionString, "civic-gc-noflush");
        await host.StartAsync();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
            var barrier = host.Services.GetRequiredService<DurabilityBarrier>();

            // A session that commits asynchronously (here: the grain-storage pool) flushes nothing at its commit.
            var asynchronous = new DurabilityBarrier(
                host.Services.GetRequiredKeyedService<NpgsqlDataSource>(PostgreSqlStore.GrainStorageDataSourceKey),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<DurabilityBarrier>.Instance);
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => asynchronous.WaitAsync().WaitAsync(Patience));
            Assert.Contains("synchronous_commit=off", refused.Message, StringComparison.Ordinal);

            // Without its row the barrier transaction would write no WAL, so it would not flush either.
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var delete = new NpgsqlCommand($"DELETE FROM {DurabilityBarrier.Table} WHERE slot = @slot;", connection);
                delete.Parameters.AddWithValue("slot", barrier.Slot);
                await delete.ExecuteNonQueryAsync();
            }
            var failed = await Assert.ThrowsAsync<InconsistentStateException>(() =>
                storage.WriteStateAsync("journal", GrainId.Create("journal", "wijgmaal"), Journal("not durable")).WaitAsync(Patience));
            Assert.Contains($"durability barrier row {barrier.Slot}", failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Acknowledged_writes_survive_a_server_crash()
    {
        var connectionString = await server.CreateDatabaseAsync();
        const string clusterId = "civic-gc-crash";
        var acknowledged = new List<string>();
        var silo = BuildSilo(connectionString, clusterId);
        IAsyncDisposable? slowWalWriter = null;
        RowLock? holder = null;
        try
        {
            await silo.StartAsync();
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var barrier = silo.Services.GetRequiredService<DurabilityBarrier>();
            // With the WAL writer asleep, only barriers flush: an acknowledgement without one would be lost below.
            slowWalWriter = await SlowWalWriterAsync();
            acknowledged.AddRange(await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            {
                await grains.GetGrain<IJournalGrain>($"crash-{i}").Append($"report {i}");
                return $"report {i}";
            })));

            // One more write commits asynchronously, then the server crashes while its barrier waits.
            holder = await HoldBarrierRowAsync(connectionString, barrier.Slot);
            var unacknowledged = grains.GetGrain<IJournalGrain>("crash-0").Append("in flight during the crash");
            await WaitForBlockedBarrierAsync(connectionString);
            await server.CrashAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => unacknowledged.WaitAsync(Patience));
        }
        finally
        {
            if (holder is not null)
                await holder.DisposeAsync();
            // Whatever failed above, the shared server must be up (and as configured) for the next test.
            if (!server.Running)
                await server.StartAsync();
            if (slowWalWriter is not null)
                await slowWalWriter.DisposeAsync();
            // A crash leaves the silo's pools with dead sessions; a graceful stop is not the point here.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await silo.StopAsync(stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            silo.Dispose();
            NpgsqlConnection.ClearAllPools();
        }

        // A new cluster: the crashed silo may still be listed as active in the old one. Grain state belongs to the
        // service (ServiceId), not to the cluster, so the new silo reads the same rows.
        using var after = BuildSilo(connectionString, clusterId + "-after");
        await after.StartAsync();
        try
        {
            var grains = after.Services.GetRequiredService<IGrainFactory>();
            for (var i = 0; i < acknowledged.Count; i++)
                Assert.Contains(acknowledged[i], await grains.GetGrain<IJournalGrain>($"crash-{i}").Entries());
        }
        finally
        {
            await after.StopAsync();
        }
    }

    [Fact]
    public async Task Grain_state_survives_a_restart_with_group_commit_on_and_off()
    {
        var connectionString = await server.CreateDatabaseAsync();
        const string clusterId = "civic-gc-restart";
        foreach (var (groupCommit, entry) in new[] { (true, "with group commit"), (false, "without group commit"), (true, "with it again") })
        {
            using var host = BuildSilo(connectionString, clusterId, groupCommit);
            await host.StartAsync();
            await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("wilsele").Append(entry);
            await host.StopAsync();
        }

        using var last = BuildSilo(connectionString, clusterId);
        await last.StartAsync();
        var journal = last.Services.GetRequiredService<IGrainFactory>().GetGrain<IJournalGrain>("wilsele");
        Assert.Equal(["with group commit", "without group commit", "with it again"], await journal.Entries());
        Assert.Equal("3", await journal.ETag());
        await last.StopAsync();
    }

    /// <summary>Locks the barrier row of <paramref name="slot"/> in an open transaction, so barriers wait until disposal (rollback).</summary>
    private static async Task<RowLock> HoldBarrierRowAsync(string connectionString, short slot)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "test-holder" }.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"SELECT barriers FROM {DurabilityBarrier.Table} WHERE slot = @slot FOR UPDATE;", connection, transaction);
        command.Parameters.AddWithValue("slot", slot);
        Assert.NotNull(await command.ExecuteScalarAsync());
        return new RowLock(connection, transaction);
    }

    /// <summary>
    /// Waits until a barrier transaction waits for the held row lock; answers its backend's pid. Polls from a session of
    /// its own: a session inside a transaction keeps seeing the pg_stat_activity snapshot it took first.
    /// </summary>
    private static async Task<int> WaitForBlockedBarrierAsync(string connectionString)
    {
        await using var observer = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await observer.OpenAsync();
        return (await Eventually.Value(async () =>
        {
            await using var command = new NpgsqlCommand(
                $"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%{DurabilityBarrier.Table}%' LIMIT 1;", observer);
            return await command.ExecuteScalarAsync() as int?;
        }, pid => pid is not null, Patience, "a barrier transaction waiting for the held row"))!.Value;
    }

    private static async Task TerminateAsync(string connectionString, int pid)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid);", connection);
        kill.Parameters.AddWithValue("pid", pid);
        Assert.Equal(true, await kill.ExecuteScalarAsync());
    }

    /// <summary>Makes the WAL writer sleep 10 s between rounds until disposal, so that only synchronous commits flush the WAL.</summary>
    private async Task<IAsyncDisposable> SlowWalWriterAsync()
    {
        await AdminAsync("ALTER SYSTEM SET wal_writer_delay = '10s'; SELECT pg_reload_conf();");
        // The WAL writer reads the new setting when its current sleep (200 ms by default) ends.
        await Task.Delay(500);
        return new Restore(() => AdminAsync("ALTER SYSTEM RESET wal_writer_delay; SELECT pg_reload_conf();"));
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, sql);
    }

    private static async Task<string?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<ulong> LsnAsync(NpgsqlConnection connection, string function)
    {
        await using var command = new NpgsqlCommand($"SELECT ({function} - '0/0'::pg_lsn)::numeric::bigint;", connection);
        return (ulong)(long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class RowLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await transaction.RollbackAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The server went away (the crash test): the lock went with it.
            }
            await connection.DisposeAsync();
        }
    }

    private sealed class Restore(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }
}
