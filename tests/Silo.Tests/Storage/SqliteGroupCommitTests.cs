using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// <see cref="SqliteGrainStorage"/> on its own, on a real SQLite file: group commit (counted, never timed), the ETag
/// contract inside a shared transaction, a failing transaction, many concurrent writers. Where a test needs several
/// writes in one transaction it makes that certain instead of hoping for it: another connection holds SQLite's write
/// lock, so the writer's first transaction waits at its start while the next writes queue behind it.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private const string StateName = "journal";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(JournalState).Assembly))
        .BuildServiceProvider();
    private readonly SqliteStore _store;
    private readonly SqliteGrainStorage _storage;

    public SqliteGroupCommitTests(ITestOutputHelper output)
    {
        _output = output;
        _store = new SqliteStore(new StorageOptions { DataDirectory = "data" }.SqliteConnectionString(_temp.Path), TimeSpan.FromSeconds(30));
        new SqliteSchema(_store, NullLogger<SqliteSchema>.Instance).Apply();
        _storage = NewStorage();
        _storage.Start();
    }

    public void Dispose()
    {
        _storage.Dispose();
        _store.Dispose();
        _services.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_state_round_trips_with_its_version_as_ETag()
    {
        var written = Journal("first", "second");
        await _storage.WriteStateAsync(StateName, Id("leuven"), written);
        Assert.Equal("1", written.ETag);
        Assert.True(written.RecordExists);
        written.State!.Entries.Add("third");
        await _storage.WriteStateAsync(StateName, Id("leuven"), written);
        Assert.Equal("2", written.ETag);

        var read = new GrainState<JournalState>();
        await _storage.ReadStateAsync(StateName, Id("leuven"), read);
        Assert.Equal(["first", "second", "third"], read.State!.Entries);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);

        var missing = new GrainState<JournalState>();
        await _storage.ReadStateAsync(StateName, Id("nobody"), missing);
        Assert.NotNull(missing.State);
        Assert.Empty(missing.State.Entries);
        Assert.Null(missing.ETag);
        Assert.False(missing.RecordExists);
        Assert.Equal(1L, Scalar<long>("SELECT COUNT(*) FROM civic_grain_state WHERE grain_key = 'leuven';"));
    }

    [Fact]
    public async Task A_write_on_an_idle_storage_commits_at_once_in_a_transaction_of_its_own()
    {
        // No timer gathers a batch: a write that finds the writer idle is the whole next transaction.
        var state = Journal();
        for (var i = 0; i < 20; i++)
        {
            state.State!.Entries.Add($"entry {i}");
            await _storage.WriteStateAsync(StateName, Id("heverlee"), state);
        }

        var statistics = _storage.Statistics;
        Assert.Equal(20, statistics.Writes);
        Assert.Equal(20, statistics.Transactions);
    }

    [Fact]
    public async Task Writes_that_arrive_while_a_transaction_runs_are_committed_together_in_the_next_one()
    {
        const int queued = 50;
        Task[] writes;
        using (var holder = HoldWriteLock())
        {
            var first = await StartFirstTransaction();
            writes = [.. Enumerable.Range(0, queued).Select(i => _storage.WriteStateAsync(StateName, Id($"grain-{i}"), Journal($"value {i}")))];
            await Eventually.Until(() => _storage.QueuedWrites == queued, Deadline, "all writes queued behind the running transaction");
            Assert.All(writes, w => Assert.False(w.IsCompleted));
            holder.Release();
            await first;
        }
        await Task.WhenAll(writes).WaitAsync(Deadline);

        var statistics = _storage.Statistics;
        Assert.Equal(queued + 1, statistics.Writes);
        Assert.Equal(2, statistics.Transactions); // the first write alone, then all the others in one
        for (var i = 0; i < queued; i++)
            Assert.Equal([$"value {i}"], (await Read($"grain-{i}")).State!.Entries);
    }

    [Fact]
    public async Task A_stale_ETag_fails_only_its_own_write_and_the_rest_of_the_transaction_commits()
    {
        var current = Journal("stored");
        await _storage.WriteStateAsync(StateName, Id("wilsele"), current);
        var stale = await Read("wilsele");
        current.State!.Entries.Add("newer");
        await _storage.WriteStateAsync(StateName, Id("wilsele"), current);
        var before = _storage.Statistics;

        Task keptA, conflicting, keptB, secondFirstWrite;
        using (var holder = HoldWriteLock())
        {
            var first = await StartFirstTransaction();
            keptA = _storage.WriteStateAsync(StateName, Id("kessel-lo"), Journal("kept 1"));
            stale.State!.Entries.Add("stale");
            conflicting = _storage.WriteStateAsync(StateName, Id("wilsele"), stale);
            keptB = _storage.WriteStateAsync(StateName, Id("wijgmaal"), Journal("kept 2"));
            // A first write of a grain that already has a row is a conflict too.
            secondFirstWrite = _storage.WriteStateAsync(StateName, Id("kessel-lo"), Journal("second first write"));
            await Eventually.Until(() => _storage.QueuedWrites == 4, Deadline, "the four writes queued");
            holder.Release();
            await first;
        }

        await keptA.WaitAsync(Deadline);
        await keptB.WaitAsync(Deadline);
        await Assert.ThrowsAsync<InconsistentStateException>(() => conflicting.WaitAsync(Deadline));
        await Assert.ThrowsAsync<InconsistentStateException>(() => secondFirstWrite.WaitAsync(Deadline));
        Assert.Equal("1", stale.ETag); // untouched: the grain re-reads

        var during = _storage.Statistics.Since(before);
        Assert.Equal(2, during.Transactions);
        Assert.Equal(3, during.Writes); // the first write, "kept 1" and "kept 2"
        Assert.Equal(2, during.Conflicts);
        Assert.Equal(["stored", "newer"], (await Read("wilsele")).State!.Entries);
        Assert.Equal(["kept 1"], (await Read("kessel-lo")).State!.Entries);
        Assert.Equal(["kept 2"], (await Read("wijgmaal")).State!.Entries);
    }

    [Fact]
    public async Task A_failing_transaction_fails_every_write_in_it_and_stores_none_of_them()
    {
        // A write the database refuses in the middle of the transaction (here a trigger; in life a full disk or an I/O error).
        Execute("CREATE TRIGGER refuse_poison BEFORE INSERT ON civic_grain_state WHEN NEW.grain_key = 'poison' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;");
        var updated = Journal("v1");
        await _storage.WriteStateAsync(StateName, Id("updated"), updated);
        var before = _storage.Statistics;

        Task first, a, poison, b;
        using (var holder = HoldWriteLock())
        {
            first = await StartFirstTransaction();
            updated.State!.Entries.Add("v2");
            a = _storage.WriteStateAsync(StateName, Id("updated"), updated);
            poison = _storage.WriteStateAsync(StateName, Id("poison"), Journal("x"));
            b = _storage.WriteStateAsync(StateName, Id("new"), Journal("y"));
            await Eventually.Until(() => _storage.QueuedWrites == 3, Deadline, "the three writes queued");
            holder.Release();
        }

        await first.WaitAsync(Deadline);
        var errors = new[]
        {
            await Assert.ThrowsAsync<OrleansException>(() => a.WaitAsync(Deadline)),
            await Assert.ThrowsAsync<OrleansException>(() => poison.WaitAsync(Deadline)),
            await Assert.ThrowsAsync<OrleansException>(() => b.WaitAsync(Deadline)),
        };
        Assert.All(errors, e => Assert.Contains("refused for the test", e.Message, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.IsType<SqliteException>(e.InnerException));

        // Nothing of the failed transaction is stored; the grains keep their ETags and can write again.
        Assert.Equal("1", updated.ETag);
        Assert.Equal(["v1"], (await Read("updated")).State!.Entries);
        Assert.False((await Read("new")).RecordExists);
        Assert.Equal(0, Scalar<long>("SELECT COUNT(*) FROM civic_grain_state WHERE grain_key IN ('new', 'poison');"));
        var during = _storage.Statistics.Since(before);
        Assert.Equal(1, during.FailedTransactions);
        Assert.Equal(1, during.Transactions);
        Assert.Equal(1, during.Writes);

        await _storage.WriteStateAsync(StateName, Id("updated"), updated);
        Assert.Equal("2", updated.ETag);
        Assert.Equal(["v1", "v2"], (await Read("updated")).State!.Entries);
    }

    [Fact]
    public async Task Many_concurrent_writers_all_land_and_share_transactions()
    {
        const int grains = 200, writesPerGrain = 25;
        // Each grain writes in order (as Orleans does), all grains at once.
        await Parallel.ForAsync(0, grains, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (g, _) =>
        {
            var state = Journal();
            for (var n = 0; n < writesPerGrain; n++)
            {
                state.State!.Entries.Add($"{g}:{n}");
                await _storage.WriteStateAsync(StateName, Id($"g{g}"), state);
                Assert.Equal((n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), state.ETag);
            }
        });

        for (var g = 0; g < grains; g++)
        {
            var read = await Read($"g{g}");
            Assert.Equal(Enumerable.Range(0, writesPerGrain).Select(n => $"{g}:{n}"), read.State!.Entries);
            Assert.Equal(writesPerGrain.ToString(System.Globalization.CultureInfo.InvariantCulture), read.ETag);
        }
        var statistics = _storage.Statistics;
        Assert.Equal(grains * writesPerGrain, statistics.Writes);
        Assert.Equal(0, statistics.Conflicts);
        Assert.True(statistics.Transactions < statistics.Writes, $"{statistics.Writes} writes in {statistics.Transactions} transactions: no group commit under concurrency");
    }

    [Fact]
    public async Task Clearing_keeps_the_version_and_a_write_with_the_old_ETag_after_it_is_refused()
    {
        var state = Journal("x");
        await _storage.WriteStateAsync(StateName, Id("cleared"), state);
        var old = await Read("cleared");

        await _storage.ClearStateAsync(StateName, Id("cleared"), state);
        Assert.Equal("2", state.ETag);
        Assert.False(state.RecordExists);
        Assert.Empty(state.State!.Entries);

        var read = await Read("cleared");
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Id("cleared"), old));
        // Clearing a grain that has no row does nothing and needs no ETag.
        var never = new GrainState<JournalState>(new JournalState());
        await _storage.ClearStateAsync(StateName, Id("never-written"), never);
        Assert.Null(never.ETag);
        Assert.Equal(0, Scalar<long>("SELECT COUNT(*) FROM civic_grain_state WHERE grain_key = 'never-written';"));
    }

    [Fact]
    public async Task The_write_ahead_log_is_checkpointed_beside_the_writer_and_does_not_grow_with_what_was_written()
    {
        // The writer's own automatic checkpoints are off (they would make every waiting write wait for their fsyncs).
        // Random payloads, so that every write changes all its pages (SQLite skips pages an update leaves equal): about
        // 75 MB of log without checkpoints; with the checkpointer beside the writer about 16 to 35 MB (the writer catches
        // up at 16 MB, and waits for the checkpointer to do so at 33 MB).
        var states = Enumerable.Range(0, 50).Select(_ => Journal()).ToArray();
        for (var i = 0; i < 6_000; i++)
        {
            var state = states[i % states.Length];
            state.State!.Entries.Clear();
            state.State.Entries.Add(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6_000)));
            await _storage.WriteStateAsync(StateName, Id($"big-{i % states.Length}"), state);
        }

        var wal = new FileInfo(Path.Combine(_temp.Path, "data", StorageOptions.SqliteFileName + "-wal"));
        _output.WriteLine($"write-ahead log: {wal.Length:N0} bytes after {_storage.Statistics.BytesWritten:N0} bytes written");
        Assert.True(_storage.Statistics.BytesWritten > 48_000_000);
        Assert.True(wal.Length < 48_000_000, $"the write-ahead log holds {wal.Length:N0} bytes after {_storage.Statistics.BytesWritten:N0} bytes written");
    }

    [Fact]
    public async Task A_write_after_stop_fails_with_a_message_and_a_foreign_ETag_is_refused()
    {
        var foreign = Journal("x");
        foreign.ETag = "W/\"0x8D\"";
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Id("foreign"), foreign));

        await _storage.StopAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _storage.WriteStateAsync(StateName, Id("late"), Journal("late")));
        Assert.Contains("stopped", error.Message, StringComparison.Ordinal);
    }

    private SqliteGrainStorage NewStorage() => new(
        _store,
        new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        _services.GetRequiredService<IActivatorProvider>(),
        NullLogger<SqliteGrainStorage>.Instance);

    private static GrainId Id(string key) => GrainId.Create("journal", key);

    private static GrainState<JournalState> Journal(params string[] entries) => new(new JournalState { Entries = [.. entries] });

    private async Task<GrainState<JournalState>> Read(string key)
    {
        var state = new GrainState<JournalState>();
        await _storage.ReadStateAsync(StateName, Id(key), state);
        return state;
    }

    /// <summary>A write that the writer takes into a transaction which then waits for the lock another connection holds.</summary>
    private async Task<Task> StartFirstTransaction()
    {
        var first = _storage.WriteStateAsync(StateName, Id($"first-{Guid.NewGuid():N}"), Journal("first"));
        await Eventually.Until(() => _storage.WritesInFlight == 1, Deadline, "the first write in a transaction");
        Assert.False(first.IsCompleted);
        return first;
    }

    private LockHolder HoldWriteLock() => new(_store.ConnectionString);

    private T Scalar<T>(string sql)
    {
        using var connection = new SqliteConnection(_store.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(_store.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Another connection in a write transaction: SQLite's one write lock is taken until <see cref="Release"/>.</summary>
    private sealed class LockHolder : IDisposable
    {
        private readonly SqliteConnection _connection;
        private bool _held;

        public LockHolder(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            using var begin = _connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
            _held = true;
        }

        public void Release()
        {
            if (!_held)
                return;
            using var rollback = _connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
            _held = false;
        }

        public void Dispose()
        {
            Release();
            _connection.Dispose();
        }
    }
}
